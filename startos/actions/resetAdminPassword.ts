import { passwordResult } from '../lib/output'
import { sdk } from '../sdk'
import { runCommand } from '../utils'

const { InputSpec, Value } = sdk

const inputSpec = InputSpec.of({
  email: Value.text({ name: 'Admin email', description: 'The locked-out admin.', required: true, default: null }),
})

/** A one-time password for a locked-out admin; their sessions end. */
export const resetAdminPassword = sdk.Action.withInput(
  'resetAdminPassword',
  {
    name: 'Reset admin password',
    description: "Give an admin who cannot sign in a one-time password (shown once); their other sessions end.",
    warning: 'The admin is signed out everywhere.',
    allowedStatuses: 'any',
    group: 'Accounts',
    visibility: 'enabled',
  },
  inputSpec,
  async () => ({}),
  async ({ effects, input }: { effects: any; input: any }) => {
    const result = await runCommand(effects, 'reset-admin-password', ['crm-api', 'reset-admin-password', '--email', String(input.email).trim()])
    return passwordResult('Password reset', 'Sign in with this password; you will be asked to choose your own.', String(result.stdout))
  },
)
