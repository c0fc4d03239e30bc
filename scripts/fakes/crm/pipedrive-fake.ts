import { FakeServer, type FakeAnswer, type ReceivedRequest } from './fake-server';

/**
 * A contract fake of Pipedrive as its API reference documents it: the user's API token in the `x-api-token` header
 * (never the URL) or an OAuth access token as a bearer, `GET /v1/users/me`, organisation fields (`/v1/organizationFields`, offset pages), organisations
 * and open deals from API v2 (cursor pages, `custom_fields` keyed by field key, `updated_since`,
 * `include_fields`), organisation search by a custom field (`exact_match`), organisation create and update (v2),
 * notes (v1), the `{success: false, error, errorCode}` error bodies, and the burst limit per 2-second window with
 * its `x-ratelimit-*` headers (429 above it).
 */
export interface FakeOrganization {
  id: number;
  name: string;
  owner_id: number;
  update_time: string;
  custom_fields: Record<string, string | number | null>;
  open_deals_count: number;
  won_deals_count: number;
}

const BURST = 20;
const fail = (status: number, message: string): FakeAnswer => ({ status, body: { success: false, error: message, errorCode: status, error_info: 'Please check developers.pipedrive.com' } });
const ok = (data: unknown, additional: Record<string, unknown> = {}, status = 200): FakeAnswer => ({ status, body: { success: true, data, additional_data: additional } });

export class PipedriveFake {
  readonly server: FakeServer;
  readonly token = 'f3d2a1b0c9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4';
  /** OAuth access tokens of the customer's Pipedrive app, sent as bearer tokens. */
  readonly oauthTokens = new Set<string>();
  readonly companyId = 7_654_321;
  readonly organizations = new Map<number, FakeOrganization>();
  readonly deals: { id: number; org_id: number | null; value: number; currency: string; status: 'open' | 'won' }[] = [];
  readonly notes: { id: number; content: string; org_id: number; add_time: string }[] = [];
  /** Organisation fields by name, with their 40-character keys (what Pipedrive calls them). */
  readonly fields = new Map<string, string>();
  private nextId = 500;
  private readonly window: number[] = [];

  constructor() {
    this.server = new FakeServer((request, body) => this.answer(request, body));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The fields docs/crm.md tells the customer to create. */
  createEirleadFields(names: readonly string[] = ['Eirlead ID', 'Domain', 'Eirlead last seen', 'Eirlead visits', 'Eirlead page views', 'Eirlead top pages', 'Eirlead lead link']): void {
    for (const name of names) this.fields.set(name, (Buffer.from(name).toString('hex') + '0'.repeat(40)).slice(0, 40));
  }

  keyOf(name: string): string {
    return this.fields.get(name) ?? '';
  }

  addOrganization(name: string, custom: Record<string, string> = {}, won = 0): FakeOrganization {
    const organization = { id: this.nextId++, name, owner_id: 42, update_time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), custom_fields: { ...custom }, open_deals_count: 0, won_deals_count: won };
    this.organizations.set(organization.id, organization);
    return organization;
  }

  private answer(request: ReceivedRequest, body: unknown): FakeAnswer | undefined {
    const now = request.at;
    while (this.window.length > 0 && (this.window[0] ?? 0) <= now - 2_000) this.window.shift();
    if (this.window.length >= BURST) return { ...fail(429, 'Request over limit'), headers: { 'x-ratelimit-limit': String(BURST), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' } };
    this.window.push(now);
    const answer = this.route(request, (body ?? {}) as Record<string, unknown>);
    return answer && { ...answer, headers: { 'x-ratelimit-limit': String(BURST), 'x-ratelimit-remaining': String(BURST - this.window.length), 'x-ratelimit-reset': '2', ...answer.headers } };
  }

  private route(request: ReceivedRequest, input: Record<string, unknown>): FakeAnswer | undefined {
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (request.headers['x-api-token'] !== this.token && (bearer === undefined || !this.oauthTokens.has(bearer))) return fail(401, 'unauthorized access');
    const { method, path, query } = request;
    if (method === 'GET' && path === '/v1/users/me') {
      return ok({ id: 11, name: 'Sales Admin', email: 'admin@customer.example', company_id: this.companyId, company_name: 'Customer Ltd', company_domain: 'customer' });
    }
    if (method === 'GET' && path === '/v1/organizationFields') {
      const start = Number(query.get('start') ?? 0);
      const limit = Number(query.get('limit') ?? 100);
      const all = [
        { id: 1, key: 'name', name: 'Name', field_type: 'varchar' },
        { id: 2, key: 'owner_id', name: 'Owner', field_type: 'user' },
        ...[...this.fields].map(([name, key], index) => ({ id: 100 + index, key, name, field_type: 'varchar' })),
      ];
      const page = all.slice(start, start + limit);
      return ok(page, { pagination: { start, limit, more_items_in_collection: start + limit < all.length, ...(start + limit < all.length ? { next_start: start + limit } : {}) } });
    }
    if (method === 'GET' && path === '/api/v2/organizations') return this.listOrganizations(query);
    if (method === 'GET' && path === '/api/v2/deals') {
      const open = this.deals.filter((deal) => deal.status === (query.get('status') ?? 'open'));
      const offset = Number(query.get('cursor') ?? 0);
      const limit = Math.min(500, Number(query.get('limit') ?? 100));
      const page = open.slice(offset, offset + limit);
      return ok(page, { next_cursor: offset + limit < open.length ? String(offset + limit) : null });
    }
    if (method === 'GET' && path === '/api/v2/organizations/search') {
      const term = query.get('term') ?? '';
      if (term.length < 2) return fail(400, 'term must be at least 2 characters');
      const hits = [...this.organizations.values()].filter((organization) =>
        query.get('fields') === 'custom_fields' ? Object.values(organization.custom_fields).some((value) => String(value) === term) : organization.name === term,
      );
      return ok({ items: hits.slice(0, Number(query.get('limit') ?? 100)).map((item) => ({ result_score: 1, item: { id: item.id, type: 'organization', name: item.name } })) }, { next_cursor: null });
    }
    if (method === 'POST' && path === '/api/v2/organizations') {
      if (typeof input.name !== 'string' || input.name === '') return fail(400, 'Name must be given.');
      const invalid = this.unknownFields(input.custom_fields);
      if (invalid) return invalid;
      const organization = this.addOrganization(input.name, input.custom_fields as Record<string, string>);
      return ok({ ...organization }, {}, 200);
    }
    const patch = /^\/api\/v2\/organizations\/(\d+)$/.exec(path);
    if (method === 'PATCH' && patch) {
      const organization = this.organizations.get(Number(patch[1]));
      if (!organization) return fail(404, 'Organization not found');
      const invalid = this.unknownFields(input.custom_fields);
      if (invalid) return invalid;
      Object.assign(organization.custom_fields, input.custom_fields);
      if (typeof input.name === 'string') organization.name = input.name;
      organization.update_time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return ok({ ...organization });
    }
    if (method === 'POST' && path === '/v1/notes') {
      if (typeof input.content !== 'string' || input.content === '') return fail(400, 'Content must be given.');
      if (!this.organizations.has(Number(input.org_id))) return fail(400, 'Organization not found.');
      const note = { id: this.nextId++, content: input.content, org_id: Number(input.org_id), add_time: String(input.add_time ?? '') };
      this.notes.push(note);
      return ok(note, {}, 201);
    }
    return undefined;
  }

  private unknownFields(custom: unknown): FakeAnswer | undefined {
    const keys = Object.keys((custom ?? {}) as Record<string, unknown>);
    const known = new Set(this.fields.values());
    const unknown = keys.filter((key) => !known.has(key));
    return unknown.length > 0 ? fail(400, `Unknown custom field(s): ${unknown.join(', ')}`) : undefined;
  }

  private listOrganizations(query: URLSearchParams): FakeAnswer {
    const offset = Number(query.get('cursor') ?? 0);
    const limit = Math.min(500, Number(query.get('limit') ?? 100));
    const since = query.get('updated_since');
    const all = [...this.organizations.values()].filter((organization) => !since || organization.update_time >= since).sort((a, b) => a.id - b.id);
    const wanted = new Set((query.get('custom_fields') ?? '').split(',').filter(Boolean));
    const include = new Set((query.get('include_fields') ?? '').split(',').filter(Boolean));
    const page = all.slice(offset, offset + limit).map((organization) => {
      const openDeals = this.deals.filter((deal) => deal.org_id === organization.id && deal.status === 'open').length;
      return {
        id: organization.id,
        name: organization.name,
        owner_id: organization.owner_id,
        update_time: organization.update_time,
        custom_fields: Object.fromEntries(Object.entries(organization.custom_fields).filter(([key]) => wanted.has(key))),
        ...(include.has('open_deals_count') ? { open_deals_count: openDeals } : {}),
        ...(include.has('won_deals_count') ? { won_deals_count: organization.won_deals_count } : {}),
      };
    });
    return ok(page, { next_cursor: offset + limit < all.length ? String(offset + limit) : null });
  }
}
