import * as z from 'zod';
import { SiteIdSchema } from '../deployment-config';
import { type ApiScope, ApiScopeSchema } from './api-keys';
import { IsoDateTimeSchema } from './common';

/**
 * What the dashboard adds to the API: people's roles and sessions, saved feed views, and tags and assignment on
 * leads. People sign in (docs/dashboard.md); machines keep API keys. Both reach the same v1 routes through the one
 * authoriser, which turns a person's role into scopes.
 */

/**
 * viewer reads; sales also hides, tags, shares views, exports and pushes to the CRM; admin also erases, answers
 * data-subject requests and manages alert rules, CRM connections and API keys (issue 17's roles).
 */
export const RoleSchema = z.enum(['viewer', 'sales', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_SCOPES: Readonly<Record<Role, readonly ApiScope[]>> = {
  viewer: ['leads:read', 'views:write'],
  sales: ['leads:read', 'views:write', 'views:share', 'leads:hide', 'leads:tag', 'leads:export', 'crm:push'],
  admin: [
    'leads:read',
    'views:write',
    'views:share',
    'leads:hide',
    'leads:tag',
    'leads:export',
    'crm:push',
    'leads:erase',
    'privacy:requests',
    'audit:read',
    'alerts:manage',
    'crm:manage',
    'keys:manage',
  ],
};

/** Whoever holds the grant of this request: a signed-in person (`user:{id}`) or an API key. */
export const SessionInfoSchema = z
  .object({
    principal: z.string().describe('`user:{id}` for a person (the identity provider’s id, never an e-mail address), else the API key id.'),
    kind: z.enum(['user', 'apiKey']),
    role: RoleSchema.optional(),
    sites: z.array(z.union([SiteIdSchema, z.literal('*')])),
    scopes: z.array(ApiScopeSchema),
    knownSites: z.array(SiteIdSchema).describe('The sites this deployment serves that the grant covers.'),
    localOnly: z.boolean().describe('Signed in with the local runtime’s LOCAL_API_KEY (never on AWS).'),
    retention: z.object({ visitDays: z.int(), leadDays: z.int() }).describe('How long visits and leads are kept: when each is deleted.'),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** The feed filters a view saves: the names of the leads list's query parameters, plus the dashboard's own. */
export const ViewFiltersSchema = z
  .record(
    z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/, 'must be a filter name'),
    z.string().max(200),
  )
  .refine((filters) => Object.keys(filters).length <= 20, 'at most 20 filters');

export const ViewIdSchema = z.string().regex(/^[a-z0-9]{1,32}$/, 'must be a viewId as returned by the API');

export const SaveViewRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(80),
    filters: ViewFiltersSchema,
    shared: z.boolean().default(false).describe('Shared views are seen by every user of the site (needs views:share).'),
  })
  .meta({ id: 'SaveViewRequest' });
export type SaveViewRequest = z.infer<typeof SaveViewRequestSchema>;

export const ViewSchema = z
  .object({
    viewId: ViewIdSchema,
    name: z.string(),
    filters: z.record(z.string(), z.string()),
    shared: z.boolean(),
    mine: z.boolean().describe('Whether the caller saved it (and so may delete it).'),
    createdAt: IsoDateTimeSchema,
    expiresAt: IsoDateTimeSchema,
  })
  .meta({ id: 'View' });
export type View = z.infer<typeof ViewSchema>;

export const ViewListSchema = z.object({ items: z.array(ViewSchema) }).meta({ id: 'ViewList' });

const TagSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N} _.-]+$/u, 'letters, digits, spaces, dots, dashes and underscores')
  .transform((tag) => tag.toLowerCase());

export const AnnotateLeadRequestSchema = z
  .strictObject({
    tags: z.array(TagSchema).max(10).describe('Replaces the lead’s tags.'),
    assignedToMe: z.boolean().describe('Assign the lead to the caller (true) or to nobody (false).'),
  })
  .meta({ id: 'AnnotateLeadRequest' });
export type AnnotateLeadRequest = z.infer<typeof AnnotateLeadRequestSchema>;

export const AnnotationSchema = z
  .object({
    leadId: z.string(),
    tags: z.array(z.string()),
    assignee: z.string().optional().describe('The principal the lead is assigned to.'),
    updatedAt: IsoDateTimeSchema,
    expiresAt: IsoDateTimeSchema.describe('Tags and assignment go with the lead: kept as long as a lead is.'),
  })
  .meta({ id: 'Annotation' });
export type Annotation = z.infer<typeof AnnotationSchema>;

export const AnnotationListSchema = z.object({ items: z.array(AnnotationSchema) }).meta({ id: 'AnnotationList' });

export const AnnotationsQuerySchema = z.strictObject({
  leadIds: z
    .string()
    .regex(/^[a-z0-9]{1,64}(,[a-z0-9]{1,64}){0,99}$/, 'comma-separated lead ids, at most 100')
    .transform((ids) => [...new Set(ids.split(','))]),
});

/** Most views one site keeps; a form field each, so more would be noise, not a feature. */
export const MAX_VIEWS_PER_SITE = 200;

/** Session lifetime: a working day; signing in again needs the password and a TOTP code. */
export const SESSION_HOURS = 8;
/** A sign-in in progress (password given, MFA code pending): Cognito's own challenge session lasts 3 minutes. */
export const PENDING_SIGN_IN_MINUTES = 5;

export const SESSION_COOKIE = '__Host-eirlead-session';
export const PENDING_SIGN_IN_COOKIE = '__Host-eirlead-sign-in';
