import { smtpPrefill } from '@start9labs/start-sdk'
import { storeJson } from '../fileModels/store.json'
import { configureSmtpCommand, resolveSmtp, SmtpSelection, withoutPassword } from '../lib/smtp'
import { sdk } from '../sdk'
import { runCommand } from '../utils'

const { InputSpec } = sdk

const inputSpec = InputSpec.of({ smtp: sdk.inputSpecConstants.smtpInputSpec })

/**
 * Where the digest, test mail and invitations go out from: disabled, the server's own SMTP
 * account (re-read at every start) or a custom server. A custom password goes straight to the
 * mailer's 0600 file over stdin; store.json keeps the choice without it.
 */
export const configureDigestSmtp = sdk.Action.withInput(
  'configureDigestSmtp',
  {
    name: 'Configure digest SMTP',
    description: "The server that sends the daily digest, test mail and invitations (to the team's own addresses only).",
    warning: null,
    allowedStatuses: 'any',
    group: 'Mail',
    visibility: 'enabled',
  },
  inputSpec,
  async () => ({ smtp: smtpPrefill((await storeJson.read((store: any) => store.smtp).once()) ?? null) }),
  async ({ effects, input }: { effects: any; input: any }) => {
    const selection = input.smtp as SmtpSelection
    if (selection.selection === 'custom') {
      const { argv, input: stdin } = configureSmtpCommand(resolveSmtp(selection, null))
      await runCommand(effects, 'configure-smtp', argv, stdin)
    }
    await storeJson.merge(effects, { smtp: withoutPassword(selection) })
  },
)
