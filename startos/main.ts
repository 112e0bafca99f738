import { storeJson } from './fileModels/store.json'
import { configureSmtpCommand, resolveSmtp, SmtpSelection } from './lib/smtp'
import { sdk } from './sdk'
import { commandEnv, mounts, uiPort } from './utils'

/**
 * One daemon: the image's entrypoint (docker_entrypoint.sh), which supervises the four CRM
 * daemons, forwards SIGTERM and exits 0/143. Only non-secret settings travel in `env` (the SDK
 * passes env as arguments); the SMTP password reaches its 0600 file over stdin.
 */
export const main = sdk.setupMain(async ({ effects }) => {
  const store = await storeJson.read().const(effects)
  const selection: SmtpSelection = (store?.smtp as SmtpSelection | undefined) ?? { selection: 'disabled', value: {} }
  // Read with .const(): a change of the server's SMTP account restarts the service with it.
  const system = selection.selection === 'system' ? await sdk.getSystemSmtp(effects).const() : null
  const subcontainer = sdk.SubContainer.of(effects, { imageId: 'crm' }, mounts, 'crm-sub')

  const env: Record<string, string> = {
    ...commandEnv,
    CRM_HTTP_HOST: '0.0.0.0',
    CRM_HTTP_PORT: String(uiPort),
    // StartOS terminates TLS on the host and connects from the container's gateway: believe
    // its X-Forwarded-For, so locks and limits apply per person, not to the whole team.
    CRM_TRUSTED_PROXIES: 'gateway',
    LOG_FORMAT: 'json',
  }
  if (store?.publicUrl) env.CRM_PUBLIC_URL = store.publicUrl
  if (store?.sparkBaseUrl) env.SPARK_BASE_URL = store.sparkBaseUrl
  if (store?.sparkModel) env.SPARK_MODEL = store.sparkModel

  return sdk.Daemons.of(effects)
    .addOneshot('smtp', {
      subcontainer,
      exec: {
        fn: async (sub: any) => {
          // Custom settings were saved by the action; system ones are written at every start
          // (they may have changed); disabled removes them.
          if (selection.selection !== 'custom') {
            const { argv, input } = configureSmtpCommand(resolveSmtp(selection, system))
            await sub.execFail(argv, { input, env: commandEnv })
          }
          return null
        },
      },
      requires: [],
    })
    .addDaemon('crm', {
      subcontainer,
      exec: { command: sdk.useEntrypoint(), env, sigtermTimeout: 30_000 },
      ready: {
        display: 'Web interface',
        gracePeriod: 60_000,
        // checkWebUrl would call a 503 healthy: /readyz must answer 2xx.
        fn: async () => {
          try {
            const response = await fetch(`http://127.0.0.1:${uiPort}/readyz`)
            return response.ok
              ? { result: 'success', message: 'The CRM is ready' }
              : { result: 'failure', message: `The CRM is not ready (HTTP ${response.status})` }
          } catch {
            return { result: 'failure', message: 'The CRM is not answering' }
          }
        },
      },
      requires: ['smtp'],
    })
})
