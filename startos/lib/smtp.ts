// SMTP as StartOS describes it, mapped to what `crm-mailer configure-smtp` takes. No SDK imports:
// compiled and unit-tested offline (node --test), since the SDK is not reachable from CI.

/** The system SMTP account StartOS hands a service (`sdk.getSystemSmtp`). */
export interface SystemSmtp {
  host: string
  port: number | string
  from: string
  username: string
  password: string | null
  security: 'starttls' | 'tls'
}

/** What the "Configure digest SMTP" form stores (`smtpShape`), the password left out. */
export type SmtpSelection =
  | { selection: 'disabled'; value: Record<string, never> }
  | { selection: 'system'; value: { customFrom?: string | null } }
  | {
      selection: 'custom'
      value: {
        provider: {
          selection: string
          value: {
            host: string
            from: string
            username: string
            password?: string | null
            security: { selection: 'tls' | 'starttls'; value: { port: string | number } }
          }
        }
      }
    }

/** The settings `crm-mailer configure-smtp` saves; the password goes over stdin only. */
export interface MailerSmtp {
  host: string
  port: number
  from: string
  username: string | null
  password: string | null
  security: 'starttls' | 'tls'
}

/** `--port` must be a whole number 1–65535; StartOS gives a string from the form, a number from the OS. */
export function port(value: number | string, security: 'starttls' | 'tls'): number {
  const text = String(value ?? '').trim()
  if (text === '') return security === 'tls' ? 465 : 587
  const number = Number(text)
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Error(`SMTP port ${JSON.stringify(value)} is not a port number`)
  }
  return number
}

/** The mailer settings for a selection (system SMTP resolved by the caller), or null to clear. */
export function resolveSmtp(selection: SmtpSelection, system: SystemSmtp | null): MailerSmtp | null {
  switch (selection.selection) {
    case 'disabled':
      return null
    case 'system': {
      if (!system) return null
      const customFrom = selection.value.customFrom?.trim()
      return {
        host: system.host,
        port: port(system.port, system.security),
        from: customFrom ? customFrom : system.from,
        username: system.username?.trim() ? system.username : null,
        password: system.password ?? null,
        security: system.security === 'tls' ? 'tls' : 'starttls',
      }
    }
    case 'custom': {
      const value = selection.value.provider.value
      const security = value.security.selection === 'tls' ? 'tls' : 'starttls'
      return {
        host: value.host.trim(),
        port: port(value.security.value.port, security),
        from: value.from.trim(),
        username: value.username?.trim() ? value.username.trim() : null,
        password: value.password ?? null,
        security,
      }
    }
  }
}

/** The argv and stdin that save `smtp` (or clear it): no secret in argv. */
export function configureSmtpCommand(smtp: MailerSmtp | null): { argv: string[]; input: string | undefined } {
  if (!smtp) return { argv: ['crm-mailer', 'configure-smtp', '--clear'], input: undefined }
  const argv = ['crm-mailer', 'configure-smtp', '--host', smtp.host, '--port', String(smtp.port), '--from', smtp.from, '--security', smtp.security]
  if (smtp.username) {
    argv.push('--username', smtp.username)
    return { argv, input: (smtp.password ?? '') + '\n' }
  }
  return { argv, input: undefined }
}

/** A custom form's selection as store.json keeps it: the password is in the mailer's 0600 file only. */
export function withoutPassword(selection: SmtpSelection): SmtpSelection {
  if (selection.selection !== 'custom') return selection
  const provider = selection.value.provider
  return { selection: 'custom', value: { provider: { ...provider, value: { ...provider.value, password: null } } } }
}
