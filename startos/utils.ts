import { sdk } from './sdk'

/** crm-api's port inside the container (CRM_HTTP_PORT); StartOS proxies its interface to it. */
export const uiPort = 8080

/** The `main` volume is the CRM's data directory. */
export const mounts = sdk.Mounts.of().mountVolume({ volumeId: 'main', subpath: null, mountpoint: '/data', readonly: false })

/** What one-off commands in the image need to find the data (the secret key is read from it). */
export const commandEnv = { CRM_ENV: 'production', CRM_DATA_DIR: '/data' }

/** Runs one CRM command in a throwaway container on the data volume (stdin for secrets); throws on a non-zero exit. */
export function runCommand(effects: unknown, name: string, argv: string[], input?: string): Promise<{ stdout: unknown }> {
  return sdk.SubContainer.withTemp(effects, { imageId: 'crm' }, mounts, name, (sub: any) => sub.execFail(argv, { input, env: commandEnv }))
}
