import { sdk } from '../sdk'
import { configureDigestSmtp } from './configureDigestSmtp'
import { createAdmin } from './createAdmin'
import { resetAdminPassword } from './resetAdminPassword'
import { setGoogleServiceAccount } from './setGoogleServiceAccount'
import { setPublicUrl } from './setPublicUrl'
import { setSparkEndpoint } from './setSparkEndpoint'

export const actions = sdk.Actions.of()
  .addAction(configureDigestSmtp)
  .addAction(createAdmin)
  .addAction(resetAdminPassword)
  .addAction(setSparkEndpoint)
  .addAction(setGoogleServiceAccount)
  .addAction(setPublicUrl)
