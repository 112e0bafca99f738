import { passwordResult } from '../lib/output'
import { sdk } from '../sdk'
import { runCommand } from '../utils'

const { InputSpec, Value } = sdk

const inputSpec = InputSpec.of({
  email: Value.text({ name: 'Email', description: 'The new admin signs in with this address.', required: true, default: null, placeholder: 'partner@fund.example' }),
  name: Value.text({ name: 'Name', description: 'Shown in the grid and the history.', required: false, default: null }),
})

/** An admin account with a one-time password, shown once here and changed at first sign-in. */
export const createAdmin = sdk.Action.withInput(
  'createAdmin',
  {
    name: 'Create admin',
    description: 'Add an admin account; it signs in with a one-time password shown once, then chooses its own.',
    warning: null,
    allowedStatuses: 'any',
    group: 'Accounts',
    visibility: 'enabled',
  },
  inputSpec,
  async () => ({}),
  async ({ effects, input }: { effects: any; input: any }) => {
    const argv = ['crm-api', 'create-admin', '--email', String(input.email).trim(), '--generate-password']
    if (input.name?.trim()) argv.push('--name', input.name.trim())
    const result = await runCommand(effects, 'create-admin', argv)
    const email = String(input.email).trim()
    return passwordResult('Admin created', `Sign in as ${email} with this password; you will be asked to choose your own.`, String(result.stdout))
  },
)
