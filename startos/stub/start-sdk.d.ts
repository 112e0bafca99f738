// A minimal stand-in for @start9labs/start-sdk 2.0.9, for type-checking offline with Debian's
// tsc (the npm registry is not reachable here). It declares the names this package uses as
// `any`: it catches syntax errors, broken imports and type errors in our own code, not misuse of
// the SDK. Before a release run `npm ci && npm run check && make` where npm and start-cli exist.
declare module '@start9labs/start-sdk' {
  export const StartSdk: any
  export const FileHelper: any
  export const VersionGraph: any
  export const VersionInfo: any
  export const IMPOSSIBLE: any
  export const smtpShape: any
  export const smtpPrefill: (stored: unknown) => any
  export const z: any
  export function setupManifest<T>(manifest: T): T
  export function buildManifest(versionGraph: unknown, manifest: unknown): any
}
