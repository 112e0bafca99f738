import { sdk } from '../sdk'
import { runCommand } from '../utils'

const { InputSpec, Value } = sdk

const inputSpec = InputSpec.of({
  key: Value.textarea({ name: 'Service account key (JSON)', description: 'The JSON key of the Google service account with domain-wide delegation for Gmail (read-only scope).', required: true, default: null, masked: true }),
})

/** The Google key goes over stdin into a 0600 file the scheduler reads; it is never stored elsewhere. */
export const setGoogleServiceAccount = sdk.Action.withInput(
  'setGoogleServiceAccount',
  {
    name: 'Set Google service account',
    description: 'The key that lets the CRM see which investors each team member emailed (Gmail, domain-wide delegation).',
    warning: null,
    allowedStatuses: 'any',
    group: 'Gmail',
    visibility: 'enabled',
  },
  inputSpec,
  async () => ({}),
  async ({ effects, input }: { effects: any; input: any }) => {
    const result = await runCommand(effects, 'set-service-account', ['crm-scheduler', 'set-service-account'], String(input.key))
    return { version: '1', title: 'Saved', message: String(result.stdout).trim(), result: null }
  },
)
