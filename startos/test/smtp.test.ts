import { test } from 'node:test'
import * as assert from 'node:assert/strict'
import { configureSmtpCommand, port, resolveSmtp, withoutPassword, SmtpSelection } from '../lib/smtp'
import { oneTimePassword, sparkBaseUrl } from '../lib/output'

const system = { host: 'smtp.start9.example', port: 587, from: 'Start9 <box@example.com>', username: 'box', password: 'system-pw', security: 'starttls' as const }

test('system SMTP is taken as the OS gives it, with a custom From', () => {
  assert.deepEqual(resolveSmtp({ selection: 'system', value: {} }, system), {
    host: 'smtp.start9.example', port: 587, from: 'Start9 <box@example.com>', username: 'box', password: 'system-pw', security: 'starttls',
  })
  const custom = resolveSmtp({ selection: 'system', value: { customFrom: 'Venture CRM <crm@fund.example>' } }, { ...system, port: '465', security: 'tls', password: null })
  assert.equal(custom?.from, 'Venture CRM <crm@fund.example>')
  assert.equal(custom?.port, 465)
  assert.equal(custom?.password, null)
  assert.equal(resolveSmtp({ selection: 'system', value: {} }, null), null, 'no system SMTP: cleared')
})

test('custom SMTP maps the form: port strings, TLS or STARTTLS, blank username', () => {
  const selection: SmtpSelection = {
    selection: 'custom',
    value: { provider: { selection: 'other', value: { host: ' mail.fund.example ', from: 'CRM <crm@fund.example>', username: ' crm ', password: 'pw', security: { selection: 'starttls', value: { port: '2525' } } } } },
  }
  assert.deepEqual(resolveSmtp(selection, null), { host: 'mail.fund.example', port: 2525, from: 'CRM <crm@fund.example>', username: 'crm', password: 'pw', security: 'starttls' })
  const tls = structuredClone(selection) as any
  tls.value.provider.value.security = { selection: 'tls', value: { port: '465' } }
  tls.value.provider.value.username = ''
  assert.deepEqual(resolveSmtp(tls, null), { host: 'mail.fund.example', port: 465, from: 'CRM <crm@fund.example>', username: null, password: 'pw', security: 'tls' })
  assert.equal(resolveSmtp({ selection: 'disabled', value: {} }, system), null)
})

test('ports are checked', () => {
  assert.equal(port('', 'tls'), 465)
  assert.equal(port(' 587 ', 'starttls'), 587)
  for (const bad of ['0', '65536', 'smtp', '25.5']) assert.throws(() => port(bad, 'starttls'))
})

test('the password travels on stdin, never in argv', () => {
  const { argv, input } = configureSmtpCommand({ host: 'h.example', port: 587, from: 'a@b.example', username: 'u', password: 'secret-pw', security: 'starttls' })
  assert.ok(!argv.join(' ').includes('secret-pw'))
  assert.equal(input, 'secret-pw\n')
  assert.deepEqual(argv.slice(0, 2), ['crm-mailer', 'configure-smtp'])
  assert.deepEqual(configureSmtpCommand(null), { argv: ['crm-mailer', 'configure-smtp', '--clear'], input: undefined })
  assert.equal(configureSmtpCommand({ host: 'h.example', port: 25, from: 'a@b.example', username: null, password: null, security: 'starttls' }).input, undefined)
})

test('store.json never keeps the custom password', () => {
  const selection: SmtpSelection = {
    selection: 'custom',
    value: { provider: { selection: 'gmail', value: { host: 'smtp.gmail.com', from: 'a@b.example', username: 'u', password: 'pw', security: { selection: 'tls', value: { port: '465' } } } } },
  }
  assert.equal((withoutPassword(selection) as any).value.provider.value.password, null)
  assert.equal((selection as any).value.provider.value.password, 'pw', 'the input is not changed')
})

test('command output and URLs are read strictly', () => {
  assert.equal(oneTimePassword('Created admin a@b.example\nOne-time password: Abc-123-xyz\nIt is shown only this once\n'), 'Abc-123-xyz')
  assert.throws(() => oneTimePassword('Created admin'))
  assert.equal(sparkBaseUrl(' http://spark.local:8000/v1/ '), 'http://spark.local:8000/v1')
  assert.throws(() => sparkBaseUrl('spark.local'))
  assert.throws(() => sparkBaseUrl('http://spark local/v1'))
})
