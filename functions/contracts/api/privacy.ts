import * as z from 'zod';
import { LeadWithVisitsSchema } from './leads';

/**
 * Data-subject requests (GDPR Art. 15 access, Art. 17 erasure) and the audit trail (Art. 5(2)), as zod
 * schemas: validation, types and the OpenAPI document come from here.
 */

const IsoDateTimeSchema = z.iso.datetime({ offset: true });
const IpSchema = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

const SubjectWindow = {
  ip: IpSchema.describe('The data subject’s IP address. Used for matching only; never stored or logged.'),
  from: IsoDateTimeSchema.describe('Start of the window (inclusive).'),
  to: IsoDateTimeSchema.describe('End of the window (exclusive).'),
  userAgent: z
    .string()
    .max(1000)
    .optional()
    .describe('The browser’s User-Agent; narrows the match to the subject’s own visits while that day’s salt exists.'),
};
const windowIsOrdered = (request: { from: string; to: string }) => Date.parse(request.from) < Date.parse(request.to);
const windowIssue = { path: ['to'], message: 'must be after from' };

export const ErasureRequestSchema = z.strictObject(SubjectWindow).refine(windowIsOrdered, windowIssue).meta({ id: 'ErasureRequest' });
export type ErasureRequest = z.infer<typeof ErasureRequestSchema>;

/** Sent in a POST body, not a query string: the address must not appear in a URL, a log or a browser history. */
export const AccessRequestSchema = z.strictObject(SubjectWindow).refine(windowIsOrdered, windowIssue).meta({ id: 'AccessRequest' });
export type AccessRequest = z.infer<typeof AccessRequestSchema>;

const MatchingSchema = z.object({
  network: z.string().describe('The truncated network (/24, /48) the address falls in: what Eirlead can match on.'),
  narrowedByPseudonym: z.array(z.string()).describe('UTC days on which the daily salt still existed and a User-Agent was given.'),
});

export const ErasureResultSchema = z
  .object({
    matching: MatchingSchema,
    erased: z.object({ visits: z.int().min(0), pageviews: z.int().min(0), leadsDeleted: z.array(z.string()), leadsUpdated: z.array(z.string()) }),
  })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.infer<typeof ErasureResultSchema>;

export const AccessResultSchema = z
  .object({
    matching: MatchingSchema,
    leads: z.array(LeadWithVisitsSchema),
    notStored: z.array(z.object({ data: z.string(), reason: z.string() })),
  })
  .meta({ id: 'AccessResult' });
export type AccessResult = z.infer<typeof AccessResultSchema>;

export const AuditActionSchema = z.enum([
  'leads.list',
  'lead.read',
  'lead.erase',
  'organisation.hide',
  'organisation.show',
  'erasure.request',
  'access.request',
  'audit.read',
  'export.create',
  'export.read',
  // The dashboard's own reads and writes (functions/dashboard/app.ts).
  'views.list',
  'view.save',
  'view.delete',
  'annotations.read',
  'lead.annotate',
  'alert-rule.create',
  'alert-rule.update',
  'alert-rule.delete',
  'alert-rule.test',
  'alert-endpoint.create',
  'alert-endpoint.update',
  'alert-endpoint.delete',
  'alert-endpoint.rotate-secret',
  'alert-delivery.replay',
  'crm.connect',
  'crm.rotate',
  'crm.settings',
  'crm.sync',
  'crm.push',
  'crm.link',
  'crm.unlink',
  'crm.disconnect',
  // API keys made and revoked over HTTP (functions/dashboard/api-keys.ts), recorded on every site of the key.
  'api-key.create',
  'api-key.revoke',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditRecordSchema = z
  .object({
    at: IsoDateTimeSchema,
    keyId: z.string(),
    action: AuditActionSchema,
    siteId: z.string(),
    target: z.string().optional().describe('The lead, the hidden organisation, or the truncated network of a data-subject request.'),
    details: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe('What a privileged act did, e.g. the counts of what a CRM disconnect deleted (its deletion receipt).'),
    expiresAt: IsoDateTimeSchema,
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

export const AuditListSchema = z
  .object({ items: z.array(AuditRecordSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditList' });

export const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(1024).optional(),
});
