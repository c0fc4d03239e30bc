import * as z from 'zod';
import { SiteIdSchema } from '../deployment-config';
import { IsoDateTimeSchema } from './common';

/** What an API key may do: the authoriser passes the grant on to the API functions (as strings), and the store keeps it. */

/**
 * - `leads:read`, `leads:erase`: the lead list, a lead with its visits, erasing a lead;
 * - `leads:hide`: hiding organisations from the lead list and showing them again;
 * - `privacy:requests`: data-subject access and erasure requests, which single out one person's visits by an
 *   address and a User-Agent, so no key that merely reads leads may make them;
 * - `audit:read`: the audit trail;
 * - `leads:export`: bulk exports of every lead of a site in one file, apart from `leads:read`, which pages through them;
 * - `views:write`: saving and deleting one's own private feed views (the dashboard);
 * - `views:share`: saving views every user of the site sees;
 * - `leads:tag`: tagging leads and assigning them to oneself;
 * - `alerts:manage`: alert rules and endpoints (which send organisation data out of the account), the delivery
 *   log and replays;
 * - `crm:manage`: CRM connections (connect with credentials, rotate them, settings, sync now, status, disconnect)
 *   and linking a lead to a CRM account by hand;
 * - `crm:push`: sending leads to the connected CRM as companies with their visits as notes (and dry runs of it),
 *   apart from `crm:manage` so a key that pushes cannot read or replace the CRM credentials;
 * - `keys:manage`: creating, listing and revoking API keys over HTTP (the dashboard's settings), never wider than
 *   the caller's own grant: a key cannot make a key that may more than it.
 */
export const ApiScopeSchema = z.enum([
  'leads:read',
  'leads:erase',
  'leads:hide',
  'privacy:requests',
  'audit:read',
  'views:write',
  'views:share',
  'leads:tag',
  'leads:export',
  'alerts:manage',
  'crm:manage',
  'crm:push',
  'keys:manage',
]);
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const ApiKeyGrantSchema = z.object({
  keyId: z.string(),
  /** Site ids this key may use; `*` means every site. */
  sites: z.array(z.union([SiteIdSchema, z.literal('*')])).min(1),
  scopes: z.array(ApiScopeSchema).min(1),
});
export type ApiKeyGrant = z.infer<typeof ApiKeyGrantSchema>;

/** Keys start with it, so a leaked key is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'eirl_';

/** Longest a key made over HTTP may be valid; the CLI (`npm run keys`) allows the same. */
export const MAX_API_KEY_DAYS = 3650;

export const CreateApiKeyRequestSchema = z
  .strictObject({
    sites: z
      .array(z.union([SiteIdSchema, z.literal('*')]))
      .min(1)
      .max(20)
      .refine((sites) => new Set(sites).size === sites.length, 'must not repeat a site')
      .describe('Sites the key may use (`*`: every site); each must be covered by the caller’s own grant.'),
    scopes: z
      .array(ApiScopeSchema)
      .min(1)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope')
      .describe('What the key may do; each must be one the caller holds.'),
    days: z.int().min(1).max(MAX_API_KEY_DAYS).default(365).describe('Days until the key expires.'),
  })
  .meta({ id: 'CreateApiKeyRequest' });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

export const ApiKeySummarySchema = ApiKeyGrantSchema.extend({
  createdAt: IsoDateTimeSchema,
  expiresAt: IsoDateTimeSchema,
  revoked: z.boolean(),
}).meta({ id: 'ApiKeySummary' });
export type ApiKeySummary = z.infer<typeof ApiKeySummarySchema>;

export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySummarySchema) }).meta({ id: 'ApiKeyList' });

export const CreatedApiKeySchema = ApiKeySummarySchema.extend({
  apiKey: z.string().describe('The secret key: shown in this answer only, stored as a hash. Send it as `Authorization: Bearer …`.'),
}).meta({ id: 'CreatedApiKey' });

export const KeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a keyId as returned by the API');
