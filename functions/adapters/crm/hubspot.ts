import * as z from 'zod';
import type { HubSpotCredentials, PlannedRequest, PushField } from '../../contracts/api/crm';
import { CrmError, type ApiUsage, type CrmConnector, type Page, type PushOutcome, type VerifiedConnection } from '../../domain/crm/connector';
import type { CrmAccount, OpenDeal } from '../../domain/crm/model';
import { WindowLimiter } from '../../domain/crm/pacing';
import type { CompanyFields, CompanyPush } from '../../domain/crm/push-plan';
import { connectorPolicy, type ConnectorContext, decodeCursor, encodeCursor } from './context';
import { CrmHttp, type ErrorReading, field } from './http';

/**
 * HubSpot over its date-versioned CRM API (`/crm/objects/2026-03/…`; the v1–v3 paths lose support in 2027), with a
 * bearer token: a service key, a private-app token or an OAuth access token. Limits kept on our side: 190 requests
 * per 10 seconds, and 4 searches a second (the search endpoint's own limit).
 */
const V = '2026-03';
const PROPERTIES = ['name', 'domain', 'website', 'hs_additional_domains', 'hubspot_owner_id', 'lifecyclestage', 'hs_num_open_deals', 'hs_lastmodifieddate', 'eirlead_org_id'];
/** Eirlead's company properties, as the customer creates them (docs/crm.md). */
export const HUBSPOT_PROPERTIES = {
  externalId: 'eirlead_org_id',
  lastSeen: 'eirlead_last_seen',
  visits: 'eirlead_visits',
  pageviews: 'eirlead_pageviews',
  topPages: 'eirlead_top_pages',
  leadUrl: 'eirlead_lead_url',
} as const satisfies Record<keyof CompanyFields | 'externalId', string>;
/** HubSpot's own association type of a note with a company. */
const NOTE_TO_COMPANY = 190;
/** A search answers at most 10,000 results; an incremental sync with more changes lists everything instead. */
const SEARCH_RESULT_LIMIT = 10_000;
const REQUIRED_SCOPES = ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read'];
/** HubSpot files notes under the contacts scopes (its notes guide), though Eirlead writes no contact. */
const NOTE_SCOPES = ['crm.objects.contacts.write'];

const StateSchema = z.object({ portalId: z.string(), uiDomain: z.string() });
type HubSpotState = z.infer<typeof StateSchema>;

const CompanySchema = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable().optional()) });
const PagingSchema = z.object({ next: z.object({ after: z.string() }).optional() }).optional();
const ListSchema = z.object({ results: z.array(CompanySchema), paging: PagingSchema });
const SearchSchema = z.object({ total: z.int(), results: z.array(CompanySchema), paging: PagingSchema });
const DealsSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      properties: z.record(z.string(), z.string().nullable().optional()),
      associations: z.object({ companies: z.object({ results: z.array(z.object({ id: z.string() })) }).optional() }).optional(),
    }),
  ),
  paging: PagingSchema,
});
const BatchSchema = z.object({ results: z.array(z.object({ id: z.string(), new: z.boolean().optional() })) });
const AccountSchema = z.object({ portalId: z.union([z.int(), z.string()]), uiDomain: z.string().optional() });
const PropertiesSchema = z.object({ results: z.array(z.object({ name: z.string(), hasUniqueValue: z.boolean().optional() })) });
const TokenInfoSchema = z.object({ scopes: z.array(z.string()) });

type Cursor = { mode: 'list' | 'search'; after?: string; since?: string };

export class HubSpotConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  private readonly http: CrmHttp;

  constructor(
    private readonly credentials: HubSpotCredentials,
    private readonly state: HubSpotState | undefined,
    context: ConnectorContext,
  ) {
    this.http = new CrmHttp({
      provider: 'hubspot',
      baseUrl: context.endpoints.hubspot,
      policy: connectorPolicy(context),
      authorize: async () => ({ Authorization: `Bearer ${this.credentials.token}` }),
      limiters: { default: new WindowLimiter(190, 10_000), search: new WindowLimiter(4, 1_000) },
      readError: readHubSpotError,
      maxWaitMs: context.maxWaitMs,
    });
  }

  static stateOf(value: unknown): HubSpotState | undefined {
    const parsed = StateSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async verify(fields: readonly PushField[]): Promise<VerifiedConnection> {
    const account = await this.http.json(AccountSchema, { method: 'GET', path: `/account-info/${V}/details` });
    // Private-app tokens say their scopes; other tokens show a missing scope on the calls below (or on a push).
    if (this.credentials.token.startsWith('pat-')) {
      const info = await this.http.json(TokenInfoSchema, { method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', body: { tokenKey: this.credentials.token } });
      const needed = [...REQUIRED_SCOPES, ...(fields.includes('visitNotes') ? NOTE_SCOPES : [])];
      const missing = needed.filter((scope) => !info.scopes.includes(scope));
      if (missing.length > 0) throw new CrmError('scope', 'hubspot', `The token lacks the scopes ${missing.join(', ')}`, { status: 403, missing });
    }
    await this.http.json(ListSchema, { method: 'GET', path: `/crm/objects/${V}/companies`, query: { limit: 1, properties: 'name' } });
    const wanted = [HUBSPOT_PROPERTIES.externalId, ...fields.flatMap((name) => (name in HUBSPOT_PROPERTIES ? [HUBSPOT_PROPERTIES[name as keyof CompanyFields]] : []))];
    const found = await this.http.json(PropertiesSchema, {
      method: 'POST',
      path: `/crm/properties/${V}/companies/batch/read`,
      body: { archived: false, inputs: wanted.map((name) => ({ name })) },
    });
    const missing = wanted.filter((name) => !found.results.some((property) => property.name === name));
    if (missing.length > 0) throw new CrmError('missing-field', 'hubspot', `Create the company properties ${missing.join(', ')} (docs/crm.md)`, { missing });
    if (!found.results.some((property) => property.name === HUBSPOT_PROPERTIES.externalId && property.hasUniqueValue)) {
      throw new CrmError('missing-field', 'hubspot', `The company property ${HUBSPOT_PROPERTIES.externalId} must require unique values`, { missing: [HUBSPOT_PROPERTIES.externalId] });
    }
    const portalId = String(account.portalId);
    return { account: { id: portalId }, state: { portalId, uiDomain: account.uiDomain ?? 'app.hubspot.com' } satisfies HubSpotState };
  }

  async listAccounts(request: { cursor?: string; modifiedSince?: string }): Promise<Page<CrmAccount>> {
    const cursor = decodeCursor<Cursor>(request.cursor, request.modifiedSince ? { mode: 'search', since: request.modifiedSince } : { mode: 'list' });
    if (cursor.mode === 'search' && cursor.since) {
      const page = await this.http.json(SearchSchema, {
        method: 'POST',
        path: `/crm/objects/${V}/companies/search`,
        limiter: 'search',
        body: {
          filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(Date.parse(cursor.since)) }] }],
          sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
          properties: PROPERTIES,
          limit: 200,
          ...(cursor.after ? { after: cursor.after } : {}),
        },
      });
      // More changes than a search can page through: list everything instead.
      if (cursor.after === undefined && page.total > SEARCH_RESULT_LIMIT) return this.listAccounts({ cursor: encodeCursor({ mode: 'list' } satisfies Cursor) });
      const after = page.paging?.next?.after;
      return { items: page.results.map((company) => this.account(company)), ...(after ? { next: encodeCursor({ ...cursor, after } satisfies Cursor) } : {}) };
    }
    const page = await this.http.json(ListSchema, {
      method: 'GET',
      path: `/crm/objects/${V}/companies`,
      query: { limit: 100, properties: PROPERTIES.join(','), archived: false, after: cursor.after },
    });
    const after = page.paging?.next?.after;
    return { items: page.results.map((company) => this.account(company)), ...(after ? { next: encodeCursor({ mode: 'list', after } satisfies Cursor) } : {}) };
  }

  async listOpenDeals(request: { cursor?: string }): Promise<Page<OpenDeal>> {
    const page = await this.http.json(DealsSchema, {
      method: 'GET',
      path: `/crm/objects/${V}/deals`,
      query: { limit: 100, properties: 'amount,hs_is_closed,deal_currency_code', associations: 'companies', archived: false, after: request.cursor },
    });
    const deals = page.results.flatMap((deal): OpenDeal[] => {
      const company = deal.associations?.companies?.results[0]?.id;
      if (!company || deal.properties.hs_is_closed === 'true') return [];
      const amount = Number(deal.properties.amount ?? '');
      const currency = deal.properties.deal_currency_code ?? undefined;
      return [{ accountId: company, ...(Number.isFinite(amount) && deal.properties.amount ? { amount } : {}), ...(currency ? { currency } : {}) }];
    });
    const after = page.paging?.next?.after;
    return { items: deals, ...(after ? { next: after } : {}) };
  }

  planPush(push: CompanyPush): PlannedRequest[] {
    const properties = this.properties(push);
    const company: PlannedRequest =
      push.target.kind === 'account'
        ? { method: 'POST', path: `/crm/objects/${V}/companies/batch/update`, body: { inputs: [{ id: push.target.accountId, properties }] } }
        : { method: 'POST', path: `/crm/objects/${V}/companies/batch/upsert`, body: { inputs: [{ idProperty: HUBSPOT_PROPERTIES.externalId, id: push.externalId, properties }] } };
    const accountId = push.target.kind === 'account' ? push.target.accountId : '{accountId}';
    return push.notes.length === 0 ? [company] : [company, { method: 'POST', path: `/crm/objects/${V}/notes/batch/create`, body: this.notesBody(push, accountId) }];
  }

  async push(push: CompanyPush): Promise<PushOutcome> {
    const [company, notes] = this.planPush(push);
    if (!company) throw new Error('HubSpot push: no company request');
    const answer = await this.http.json(BatchSchema, { method: 'POST', path: company.path, body: company.body });
    const result = answer.results[0];
    if (!result) throw new CrmError('bad-answer', 'hubspot', 'The batch answer holds no company');
    if (!notes) return { accountId: result.id, created: result.new === true, notedVisits: [] };
    try {
      await this.http.json(BatchSchema, { method: 'POST', path: notes.path, body: this.notesBody(push, result.id) });
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      return { accountId: result.id, created: result.new === true, notedVisits: [], notesError: error };
    }
    return { accountId: result.id, created: result.new === true, notedVisits: push.notes.map((note) => note.visitId) };
  }

  async revoke(): Promise<'not-supported'> {
    // Service keys and private-app tokens are revoked in HubSpot's settings; an OAuth access token expires on its own.
    return 'not-supported';
  }

  usage(): ApiUsage {
    return { calls: this.http.calls };
  }

  private properties(push: CompanyPush): Record<string, string> {
    const values: Record<string, string> = { [HUBSPOT_PROPERTIES.externalId]: push.externalId };
    for (const [name, value] of Object.entries(push.fields) as [keyof CompanyFields, string | number | undefined][]) {
      if (value !== undefined) values[HUBSPOT_PROPERTIES[name]] = String(value);
    }
    if (push.target.kind === 'external-id' && push.target.create) {
      values.name = push.target.create.name;
      if (push.target.create.domain) values.domain = push.target.create.domain;
    }
    return values;
  }

  private notesBody(push: CompanyPush, accountId: string) {
    return {
      inputs: push.notes.map((note) => ({
        properties: { hs_timestamp: note.at, hs_note_body: note.text },
        associations: [{ to: { id: accountId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_COMPANY }] }],
      })),
    };
  }

  private account(company: z.infer<typeof CompanySchema>): CrmAccount {
    const p = company.properties;
    const domains = [p.domain, p.website, ...(p.hs_additional_domains ?? '').split(';')].filter((value): value is string => !!value && value.trim() !== '');
    const stage = p.lifecyclestage ?? '';
    const openDeals = Number(p.hs_num_open_deals ?? '');
    const state = this.state ?? { portalId: '0', uiDomain: 'app.hubspot.com' };
    return {
      accountId: company.id,
      name: p.name ?? '',
      domains,
      ...(p.hubspot_owner_id ? { owner: { id: p.hubspot_owner_id } } : {}),
      lifecycle: stage === 'customer' || stage === 'evangelist' ? 'customer' : 'other',
      ...(Number.isFinite(openDeals) && p.hs_num_open_deals ? { openDeals } : {}),
      url: `https://${state.uiDomain}/contacts/${state.portalId}/record/0-2/${company.id}`,
      ...(p[HUBSPOT_PROPERTIES.externalId] ? { externalId: p[HUBSPOT_PROPERTIES.externalId] ?? '' } : {}),
      ...(p.hs_lastmodifieddate ? { modifiedAt: p.hs_lastmodifieddate } : {}),
    };
  }
}

/** HubSpot's error body: `{status: "error", message, category, errors: [{context: {requiredGranularScopes}}]}`. */
export function readHubSpotError(status: number, body: unknown): ErrorReading {
  const message = field(body, 'message') ?? `HTTP ${status}`;
  const category = field(body, 'category');
  if (status === 401) return { kind: 'auth', code: category ?? 'INVALID_AUTHENTICATION', message };
  if (status === 403) {
    const errors = (body as { errors?: { context?: Record<string, unknown> }[] } | undefined)?.errors ?? [];
    const scopes = errors.flatMap((error) => [error.context?.requiredGranularScopes, error.context?.requiredScopes].flatMap((value) => (Array.isArray(value) ? value.map(String) : [])));
    return { kind: 'scope', code: category ?? 'MISSING_SCOPES', message: scopes.length > 0 ? `${message} (needs ${scopes.join(', ')})` : message, ...(scopes.length > 0 ? { missing: scopes } : {}) };
  }
  return { kind: 'rejected', code: category ?? `HTTP_${status}`, message };
}
