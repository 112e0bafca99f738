// Reading what the CRM's commands print, without the SDK (unit-tested offline).

/** The one-time password `crm-api create-admin --generate-password` / `reset-admin-password` print. */
export function oneTimePassword(stdout: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith('One-time password: '))
  if (!line) throw new Error('the command printed no one-time password')
  return line.slice('One-time password: '.length).trim()
}

/** An http(s) URL for Spark's OpenAI-compatible API, without a trailing slash. */
export function sparkBaseUrl(raw: string): string {
  const text = raw.trim().replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(text)) throw new Error('The Spark endpoint is an http(s) URL such as http://spark.local:8000/v1')
  return text
}

/** An action's answer showing a one-time password once: masked, copyable. */
export function passwordResult(title: string, message: string, stdout: string) {
  return {
    version: '1' as const,
    title,
    message,
    result: { type: 'single' as const, name: 'One-time password', description: null, value: oneTimePassword(stdout), masked: true, copyable: true, qr: false },
  }
}
