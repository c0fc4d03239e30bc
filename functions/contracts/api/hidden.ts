import * as z from 'zod';
import { IsoDateTimeSchema } from './common';

/**
 * Hidden organisations (what Leadfeeder calls hidden companies): the customer's own correction, in effect at once.
 * A hidden organisation disappears from the site's lead list and gets no new leads until it is shown again.
 */

const DomainSchema = z
  .string()
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/i, 'must be a domain name, e.g. example.com')
  .transform((domain) => domain.toLowerCase());

export const HideOrganisationRequestSchema = z
  .strictObject({
    asn: z.int().min(1).max(4_294_967_295).optional().describe('Every lead whose network belongs to this AS number.'),
    domain: DomainSchema.optional().describe('Every lead named by this domain (a form domain or a configured override).'),
    name: z.string().trim().min(1).max(200).optional().describe('Every lead of this organisation name (case and spacing ignored).'),
  })
  .refine((request) => [request.asn, request.domain, request.name].filter((value) => value !== undefined).length === 1, {
    path: ['asn'],
    message: 'give exactly one of asn, domain or name',
  })
  .meta({ id: 'HideOrganisationRequest' });
export type HideOrganisationRequest = z.infer<typeof HideOrganisationRequestSchema>;

export const HiddenOrganisationSchema = z
  .object({
    hiddenId: z.string(),
    asn: z.int().optional(),
    domain: z.string().optional(),
    name: z.string().optional(),
    hiddenAt: IsoDateTimeSchema,
    expiresAt: IsoDateTimeSchema.describe('When it is shown again on its own (retention.hiddenOrganisationDays).'),
  })
  .meta({ id: 'HiddenOrganisation' });
export type HiddenOrganisation = z.infer<typeof HiddenOrganisationSchema>;

export const HiddenOrganisationListSchema = z.object({ items: z.array(HiddenOrganisationSchema) }).meta({ id: 'HiddenOrganisationList' });

export const HiddenIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'must be a hiddenId as returned by the API');
