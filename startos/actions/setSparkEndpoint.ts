import { storeJson } from '../fileModels/store.json'
import { sparkBaseUrl } from '../lib/output'
import { sdk } from '../sdk'

const { InputSpec, Value } = sdk

const inputSpec = InputSpec.of({
  baseUrl: Value.text({ name: 'Spark endpoint', description: "Your Spark box's OpenAI-compatible API, e.g. http://spark.local:8000/v1. Digest content goes nowhere else.", required: true, default: null, placeholder: 'http://spark.local:8000/v1' }),
  model: Value.text({ name: 'Model', description: 'The model name Spark serves (blank: its default).', required: false, default: null }),
})

/** The local Spark endpoint that summarizes the digest (never a cloud model). */
export const setSparkEndpoint = sdk.Action.withInput(
  'setSparkEndpoint',
  {
    name: 'Set Spark endpoint',
    description: 'The local model that writes the daily digest summaries; without it the digest is a rule-based roll-up.',
    warning: null,
    allowedStatuses: 'any',
    group: 'Digest',
    visibility: 'enabled',
  },
  inputSpec,
  async () => {
    const store = await storeJson.read().once()
    return { baseUrl: store?.sparkBaseUrl ?? undefined, model: store?.sparkModel ?? undefined }
  },
  async ({ effects, input }: { effects: any; input: any }) => {
    await storeJson.merge(effects, { sparkBaseUrl: sparkBaseUrl(String(input.baseUrl)), sparkModel: input.model?.trim() || null })
  },
)
