import * as z from 'zod';

/**
 * What a lead says about the connected CRM (docs/crm.md). In a file of its own because both the leads schemas and
 * the CRM schemas use it, and neither may import the other (their modules would load in a cycle).
 */

export const CrmProviderSchema = z.enum(['hubspot', 'salesforce', 'pipedrive']);
export type CrmProvider = z.infer<typeof CrmProviderSchema>;

/**
 * - `customer`: the CRM calls the account a customer (HubSpot lifecycle stage, Salesforce account type
 *   `Customer…`, Pipedrive: at least one won deal);
 * - `open-deal`: not a customer, with at least one open deal or opportunity;
 * - `known`: in the CRM, neither of the above.
 */
export const CrmStatusSchema = z.enum(['customer', 'open-deal', 'known']);
export type CrmStatus = z.infer<typeof CrmStatusSchema>;

export const CrmMatchedBySchema = z.enum(['external-id', 'domain', 'name', 'manual']);
export type CrmMatchedBy = z.infer<typeof CrmMatchedBySchema>;

export const CrmLeadViewSchema = z
  .object({
    provider: CrmProviderSchema,
    accountId: z.string().describe('The id of the company, account or organisation in the CRM.'),
    name: z.string().describe('Its name in the CRM.'),
    url: z.string().describe('Where it opens in the CRM.'),
    status: CrmStatusSchema,
    owner: z
      .object({ id: z.string(), name: z.string().optional() })
      .optional()
      .describe('The CRM user who owns the account (the name where the CRM sends it with the account: Salesforce).'),
    matchedBy: CrmMatchedBySchema.describe(
      '`external-id`: the account carries this lead\'s Eirlead id (it was pushed from here); `domain`: the lead\'s domain is one of the account\'s; `name`: the names are equal once legal forms, punctuation, case and accents are set aside, and no other account has that name; `manual`: linked through the API.',
    ),
  })
  .meta({ id: 'CrmLeadView' });
export type CrmLeadView = z.infer<typeof CrmLeadViewSchema>;

/** The leads list's `crm` filter: by status, any CRM account (`any`) or none (`none`). */
export const CrmFilterSchema = z.enum(['customer', 'open-deal', 'known', 'any', 'none']);
export type CrmFilter = z.infer<typeof CrmFilterSchema>;
