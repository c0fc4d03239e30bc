import type { ExportJob } from '../api/exports';
import type { Lead, LeadWithVisits } from '../api/leads';

/**
 * Example values of the route table, shown in the OpenAPI document and the reference page. Each is checked
 * against its schema (test/unit/contracts/route-examples.test.ts) and by Redocly's lint.
 */

export const EXAMPLE_SITE = 'demo';
export const EXAMPLE_LEAD_ID = '9d4c0a6f2b7e1c3d5a8f0b2e';
export const EXAMPLE_EXPORT_ID = '1jf8k2m3n4p5q6r7s8t9v0w1x';

export const EXAMPLE_LEAD: Lead = {
  leadId: EXAMPLE_LEAD_ID,
  siteId: EXAMPLE_SITE,
  organisation: { name: 'SAP SE', asn: 35039 },
  match: { source: 'asn-registry', confidence: 'high', network: '130.214.0.0/16', class: 'business' },
  location: { country: 'DE', city: 'Walldorf' },
  firstSeenAt: '2026-11-20T09:12:44.000Z',
  lastSeenAt: '2026-11-22T10:03:10.000Z',
  visits: 3,
  pageviews: 7,
  engagedSeconds: 212,
  topPages: [
    { path: '/pricing', views: 3 },
    { path: '/', views: 2 },
    { path: '/docs/api', views: 2 },
  ],
  expiresAt: '2027-12-22T10:03:10.000Z',
};

export const EXAMPLE_LEAD_WITH_VISITS: LeadWithVisits = {
  ...EXAMPLE_LEAD,
  visits: [
    {
      visitId: 'v8Zq3kLm2Nw',
      startedAt: '2026-11-22T10:00:02.000Z',
      endedAt: '2026-11-22T10:03:10.000Z',
      referrer: 'https://www.google.com/',
      pages: [
        { path: '/', title: 'Home', at: '2026-11-22T10:00:02.000Z' },
        { path: '/pricing', title: 'Pricing', at: '2026-11-22T10:03:10.000Z' },
      ],
      location: { country: 'DE', city: 'Walldorf' },
    },
  ],
};

export const EXAMPLE_EXPORT_QUEUED: ExportJob = {
  exportId: EXAMPLE_EXPORT_ID,
  siteId: EXAMPLE_SITE,
  status: 'queued',
  format: 'csv',
  visits: false,
  filters: { country: 'DE', minVisits: 2 },
  createdAt: '2026-11-22T11:00:00.000Z',
  expiresAt: '2026-11-23T11:00:00.000Z',
};

export const EXAMPLE_EXPORT_DONE: ExportJob = {
  ...EXAMPLE_EXPORT_QUEUED,
  status: 'succeeded',
  finishedAt: '2026-11-22T11:00:09.000Z',
  leads: 1832,
  bytes: 402_118,
  url: 'https://eirlead-exports.s3.eu-west-1.amazonaws.com/demo/1jf8k2m3n4p5q6r7s8t9v0w1x.csv?X-Amz-Signature=...',
  urlExpiresAt: '2026-11-22T11:15:09.000Z',
};
