import { sdk } from './sdk'

// StartOS stops the service for a backup, so the SQLite file is at rest. Sockets and upload
// scratch files are left out; the CRM's own verified backups ride along.
export const { createBackup, restoreInit } = sdk.setupBackups(async () =>
  sdk.Backups.withOptions({ exclude: ['run', 'tmp'] }).addVolume('main'),
)
