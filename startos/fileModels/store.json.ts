import { FileHelper, smtpShape, z } from '@start9labs/start-sdk'
import { sdk } from '../sdk'

/**
 * Choices made in the actions. Never a secret: the custom SMTP password lives only in the mailer's
 * 0600 file, the Google key in its own 0600 file.
 */
export const storeShape = z.object({
  smtp: smtpShape,
  publicUrl: z.string().nullable().catch(null),
  sparkBaseUrl: z.string().nullable().catch(null),
  sparkModel: z.string().nullable().catch(null),
})

export const storeJson = FileHelper.json({ base: sdk.volumes.main, subpath: './store.json' }, storeShape)
