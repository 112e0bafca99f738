import { storeJson } from '../fileModels/store.json'
import { sdk } from '../sdk'

const { InputSpec, Value } = sdk

const inputSpec = InputSpec.of({
  url: Value.text({ name: 'Address', description: 'The https address the team opens the CRM at; links in invitations point here.', required: true, default: null, placeholder: 'https://crm.fund.example', patterns: [{ regex: '^https://[^\\s/]+(/.*)?$', description: 'An https:// address' }] }),
})

/** The address links in mail point at (CRM_PUBLIC_URL). */
export const setPublicUrl = sdk.Action.withInput(
  'setPublicUrl',
  {
    name: 'Set address',
    description: 'The address invitation links point at.',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  inputSpec,
  async () => ({ url: (await storeJson.read().once())?.publicUrl ?? undefined }),
  async ({ effects, input }: { effects: any; input: any }) => {
    await storeJson.merge(effects, { publicUrl: String(input.url).trim().replace(/\/+$/, '') })
  },
)
