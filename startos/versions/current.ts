import { IMPOSSIBLE, VersionInfo } from '@start9labs/start-sdk'

export const current = VersionInfo.of({
  version: '0.3.0:0',
  releaseNotes: 'First StartOS package: the grid API, views, CSV import from Airtable, mail and verified backups.',
  migrations: {
    up: async () => {},
    down: IMPOSSIBLE,
  },
})
