import * as z from 'zod';
import type { PipedriveCredentials, PlannedRequest, PushField } from '../../contracts/api/crm';
import { CrmError, type ApiUsage, type CrmConnector, type Page, type PushOutcome, type VerifiedConnection } from '../../domain/crm/connector';
import type { CrmAccount, OpenDeal } from '../../domain/crm/model';
import { WindowLimiter } from '../../domain/crm/pacing';
import type { CompanyFields, CompanyPush } from '../../domain/crm/push-plan';
import { connectorPolicy, type ConnectorContext } from './context';
import { CrmHttp, type ErrorReading, field, numericHeader } from './http';

/**
 * Pipedrive with a user's API token in the `x-api-token` header: organisations and open deals from API v2 (cursor
 * pages of 500), notes from API v1. Pipedrive's organisation search does not cover a website, so the domain is kept
 * in a custom field, as is Eirlead's id of the organisation; both are found by their names when connecting
 * (docs/crm.md). Its limits: a burst limit per 2-second window (20 requests on the smallest plan; the answer's
 * `x-ratelimit-limit` says the plan's) and a daily token budget, spent when it answers 429 with a long wait.
 */
export const PIPEDRIVE_FIELD_NAMES = {
  externalId: 'Eirlead ID',
  domain: 'Domain',
  lastSeen: 'Eirlead last seen',
  visits: 'Eirlead visits',
  pageviews: 'Eirlead page views',
  topPages: 'Eirlead top pages',
  leadUrl: 'Eirlead lead link',
} as const satisfies Record<keyof CompanyFields | 'externalId' | 'domain', string>;
type FieldName = keyof typeof PIPEDRIVE_FIELD_NAMES;

const StateSchema = z.object({ companyDomain: z.string(), fieldKeys: z.record(z.string(), z.string()) });
type PipedriveState = z.infer<typeof StateSchema>;

const envelope = <S extends z.ZodType>(data: S) =>
  z.object({ success: z.literal(true), data, additional_data: z.object({ next_cursor: z.string().nullable().optional() }).nullable().optional() });
const MeSchema = envelope(z.object({ company_id: z.int(), company_name: z.string().optional() }));
const FieldsSchema = z.object({
  success: z.literal(true),
  data: z.array(z.object({ key: z.string(), name: z.string() })).nullable(),
  additional_data: z.object({ pagination: z.object({ more_items_in_collection: z.boolean(), next_start: z.int().optional() }).optional() }).optional(),
});
const OrganizationSchema = z.object({
  id: z.int(),
  name: z.string().nullable(),
  owner_id: z.int().nullable().optional(),
  update_time: z.string().nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()).nullable().optional(),
  open_deals_count: z.int().nullable().optional(),
  won_deals_count: z.int().nullable().optional(),
});
const OrganizationsSchema = envelope(z.array(OrganizationSchema).nullable());
const DealsSchema = envelope(z.array(z.object({ org_id: z.int().nullable(), value: z.number().nullable().optional(), currency: z.string().nullable().optional() })).nullable());
const SearchSchema = envelope(z.object({ items: z.array(z.object({ item: z.object({ id: z.int() }) })) }));
const CreatedSchema = envelope(z.object({ id: z.int() }));

export class PipedriveConnector implements CrmConnector {
  readonly provider = 'pipedrive' as const;
  private readonly http: CrmHttp;
  private readonly burst = new WindowLimiter(20, 2_000);

  constructor(
    private readonly credentials: PipedriveCredentials,
    private readonly state: PipedriveState | undefined,
    context: ConnectorContext,
  ) {
    this.http = new CrmHttp({
      provider: 'pipedrive',
      baseUrl: context.endpoints.pipedrive.replace('{companyDomain}', credentials.companyDomain),
      policy: connectorPolicy(context),
      // Never in the URL (Pipedrive also takes `api_token` as a query parameter, where it would reach access logs).
      authorize: async (): Promise<Record<string, string>> =>
        'apiToken' in this.credentials ? { 'x-api-token': this.credentials.apiToken } : { Authorization: `Bearer ${this.credentials.accessToken}` },
      limiters: { default: this.burst },
      readError: readPipedriveError,
      maxWaitMs: context.maxWaitMs,
      onAnswer: (headers) => {
        const limit = numericHeader(headers, 'x-ratelimit-limit');
        if (limit !== undefined) this.burst.tightenTo(limit);
      },
    });
  }

  static stateOf(value: unknown): PipedriveState | undefined {
    const parsed = StateSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async verify(fields: readonly PushField[]): Promise<VerifiedConnection> {
    const me = await this.http.json(MeSchema, { method: 'GET', path: '/v1/users/me' });
    const available = new Map<string, string>();
    for (let start = 0; ; ) {
      const page = await this.http.json(FieldsSchema, { method: 'GET', path: '/v1/organizationFields', query: { start, limit: 500 } });
      for (const entry of page.data ?? []) available.set(entry.name.trim().toLowerCase(), entry.key);
      const next = page.additional_data?.pagination;
      if (!next?.more_items_in_collection || next.next_start === undefined) break;
      start = next.next_start;
    }
    const wanted: FieldName[] = ['externalId', 'domain', ...fields.flatMap((name) => (name in PIPEDRIVE_FIELD_NAMES ? [name as FieldName] : []))];
    const fieldKeys: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of wanted) {
      const key = available.get(PIPEDRIVE_FIELD_NAMES[name].toLowerCase());
      if (key) fieldKeys[name] = key;
      else missing.push(PIPEDRIVE_FIELD_NAMES[name]);
    }
    if (missing.length > 0) throw new CrmError('missing-field', 'pipedrive', `Create the organisation fields ${missing.map((name) => `"${name}"`).join(', ')} (docs/crm.md)`, { missing });
    const state: PipedriveState = { companyDomain: this.credentials.companyDomain, fieldKeys };
    return { account: { id: String(me.data.company_id), ...(me.data.company_name ? { name: me.data.company_name } : {}) }, state };
  }

  async listAccounts(request: { cursor?: string; modifiedSince?: string }): Promise<Page<CrmAccount>> {
    const domainKey = this.state?.fieldKeys.domain;
    const externalKey = this.state?.fieldKeys.externalId;
    const page = await this.http.json(OrganizationsSchema, {
      method: 'GET',
      path: '/api/v2/organizations',
      query: {
        limit: 500,
        cursor: request.cursor,
        updated_since: request.modifiedSince ? new Date(request.modifiedSince).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
        include_fields: 'open_deals_count,won_deals_count',
        custom_fields: [domainKey, externalKey].filter(Boolean).join(',') || undefined,
      },
    });
    const items = (page.data ?? []).map((organization): CrmAccount => {
      const domain = domainKey ? organization.custom_fields?.[domainKey] : undefined;
      const externalId = externalKey ? organization.custom_fields?.[externalKey] : undefined;
      return {
        accountId: String(organization.id),
        name: organization.name ?? '',
        domains: typeof domain === 'string' && domain.trim() !== '' ? [domain] : [],
        ...(typeof organization.owner_id === 'number' ? { owner: { id: String(organization.owner_id) } } : {}),
        lifecycle: (organization.won_deals_count ?? 0) > 0 ? 'customer' : 'other',
        ...(typeof organization.open_deals_count === 'number' ? { openDeals: organization.open_deals_count } : {}),
        url: `https://${this.credentials.companyDomain}.pipedrive.com/organization/${organization.id}`,
        ...(typeof externalId === 'string' && externalId !== '' ? { externalId } : {}),
        ...(organization.update_time ? { modifiedAt: organization.update_time } : {}),
      };
    });
    const next = page.additional_data?.next_cursor;
    return { items, ...(next ? { next } : {}) };
  }

  async listOpenDeals(request: { cursor?: string }): Promise<Page<OpenDeal>> {
    const page = await this.http.json(DealsSchema, { method: 'GET', path: '/api/v2/deals', query: { status: 'open', limit: 500, cursor: request.cursor } });
    const items = (page.data ?? []).flatMap((deal): OpenDeal[] =>
      deal.org_id === null ? [] : [{ accountId: String(deal.org_id), ...(typeof deal.value === 'number' ? { amount: deal.value } : {}), ...(deal.currency ? { currency: deal.currency } : {}) }],
    );
    const next = page.additional_data?.next_cursor;
    return { items, ...(next ? { next } : {}) };
  }

  planPush(push: CompanyPush): PlannedRequest[] {
    const body = this.organizationBody(push);
    const notes = push.notes.map((note): PlannedRequest => ({ method: 'POST', path: '/v1/notes', body: this.noteBody(note.text, note.at, push.target.kind === 'account' ? push.target.accountId : '{accountId}') }));
    if (push.target.kind === 'account') return [{ method: 'PATCH', path: `/api/v2/organizations/${push.target.accountId}`, body }, ...notes];
    const search: PlannedRequest = { method: 'GET', path: `/api/v2/organizations/search?${this.searchQuery(push.externalId)}` };
    return [
      search,
      { method: 'PATCH', path: '/api/v2/organizations/{accountId}', body, condition: 'if the search finds the organisation' },
      { method: 'POST', path: '/api/v2/organizations', body, condition: 'if the search finds none' },
      ...notes,
    ];
  }

  async push(push: CompanyPush): Promise<PushOutcome> {
    const body = this.organizationBody(push);
    let accountId: string;
    if (push.target.kind === 'account') {
      accountId = push.target.accountId;
    } else {
      // Found by the external id first, so a push whose record was lost (a crash after the create) creates no twin.
      const found = await this.http.json(SearchSchema, { method: 'GET', path: '/api/v2/organizations/search', query: Object.fromEntries(new URLSearchParams(this.searchQuery(push.externalId))) });
      const existing = found.data.items[0]?.item.id;
      if (existing === undefined) {
        const answer = await this.http.json(CreatedSchema, { method: 'POST', path: '/api/v2/organizations', body });
        return this.addNotes(push, String(answer.data.id), true);
      }
      accountId = String(existing);
    }
    await this.http.json(CreatedSchema, { method: 'PATCH', path: `/api/v2/organizations/${accountId}`, body });
    return this.addNotes(push, accountId, false);
  }

  async revoke(): Promise<'not-supported'> {
    // An API token is regenerated by its user in Pipedrive's personal preferences; there is no call to revoke it.
    return 'not-supported';
  }

  usage(): ApiUsage {
    return { calls: this.http.calls };
  }

  private async addNotes(push: CompanyPush, accountId: string, created: boolean): Promise<PushOutcome> {
    const noted: string[] = [];
    for (const note of push.notes) {
      try {
        await this.http.json(CreatedSchema, { method: 'POST', path: '/v1/notes', body: this.noteBody(note.text, note.at, accountId) });
        noted.push(note.visitId);
      } catch (error) {
        if (!(error instanceof CrmError)) throw error;
        return { accountId, created, notedVisits: noted, notesError: error };
      }
    }
    return { accountId, created, notedVisits: noted };
  }

  private searchQuery(externalId: string): string {
    return new URLSearchParams({ term: externalId, fields: 'custom_fields', exact_match: 'true', limit: '1' }).toString();
  }

  private organizationBody(push: CompanyPush) {
    const keys = this.state?.fieldKeys ?? {};
    const custom: Record<string, string | number> = {};
    const set = (name: FieldName, value: string | number | undefined) => {
      const key = keys[name];
      if (key && value !== undefined) custom[key] = value;
    };
    set('externalId', push.externalId);
    for (const [name, value] of Object.entries(push.fields) as [keyof CompanyFields, string | number | undefined][]) set(name, value);
    const create = push.target.kind === 'external-id' ? push.target.create : undefined;
    if (create?.domain) set('domain', create.domain);
    return { ...(create ? { name: create.name } : {}), custom_fields: custom };
  }

  private noteBody(text: string, at: string, accountId: string) {
    // Pipedrive renders note content as HTML.
    const content = text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char).replaceAll('\n', '<br>');
    return { content, org_id: accountId === '{accountId}' ? accountId : Number(accountId), add_time: at.slice(0, 19).replace('T', ' ') };
  }
}

/** Pipedrive answers errors as `{success: false, error, errorCode, error_info}`. */
export function readPipedriveError(status: number, body: unknown): ErrorReading {
  const message = field(body, 'error') ?? `HTTP ${status}`;
  const code = String((body as { errorCode?: unknown } | undefined)?.errorCode ?? `HTTP_${status}`);
  if (status === 401) return { kind: 'auth', code, message };
  if (status === 403 || status === 402) return { kind: 'scope', code, message };
  return { kind: 'rejected', code, message };
}
