import { storeJson } from '../fileModels/store.json'
import { sdk } from '../sdk'

// On install the store starts with SMTP disabled and nothing chosen (the shape's defaults).
export const seedFiles = sdk.setupOnInit(async (effects, kind) => {
  if (kind === 'install') {
    await storeJson.write(effects, { smtp: { selection: 'disabled', value: {} }, publicUrl: null, sparkBaseUrl: null, sparkModel: null })
  } else {
    await storeJson.merge(effects, {})
  }
})
