import { setupManifest } from '@start9labs/start-sdk'

// Read by s9pk.mk with awk: the package id sits on the only line here naming it, in single quotes.
export const manifest = setupManifest({
  id: 'venture-crm',
  title: 'Venture CRM',
  license: 'LicenseRef-Proprietary',
  packageRepo: 'https://git.fund.example/venture-crm',
  upstreamRepo: 'https://git.fund.example/venture-crm',
  marketingUrl: 'https://git.fund.example/venture-crm',
  donationUrl: null,
  description: {
    short: "The fund's self-hosted CRM for investors, contacts, funds and commitments",
    long: 'An Airtable replacement the team runs on its own box: one grid of investors, contacts, funds and commitments with saved views, CSV import from Airtable, invite-only accounts, verified nightly backups and a daily digest of Gmail activity summarized on your own Spark box, never by a cloud model.',
  },
  volumes: ['main'],
  images: {
    crm: {
      source: { dockerBuild: { workdir: '.', dockerfile: 'Dockerfile' } },
      arch: ['x86_64'],
    },
  },
  dependencies: {},
})
