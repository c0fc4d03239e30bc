import { FakeServer, type FakeAnswer, type ReceivedRequest } from './fake-server';

/**
 * A contract fake of HubSpot's date-versioned CRM API (2026-03), as its reference documents it: account details,
 * private-app token info, companies (list with `after` paging, search with filters and `total`, batch upsert by a
 * unique property, batch update), deals with their company associations, company property definitions, notes
 * created in batches with an association to a company (type 190), bearer authentication, scopes (403
 * MISSING_SCOPES with `requiredGranularScopes`), validation errors, and the rate limits (190 requests per 10 s,
 * 4 searches a second) answered with 429 `RATE_LIMIT` bodies.
 */
const V = '/crm/objects/2026-03';
const STANDARD_PROPERTIES = ['name', 'domain', 'website', 'hs_additional_domains', 'hubspot_owner_id', 'lifecyclestage', 'hs_num_open_deals', 'hs_lastmodifieddate'];

export interface FakeCompany {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface FakeNote {
  id: string;
  properties: Record<string, string>;
  companyIds: string[];
}

const error = (status: number, category: string, message: string, extra: Record<string, unknown> = {}): FakeAnswer => ({
  status,
  body: { status: 'error', message, correlationId: '3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd', category, ...extra },
});

export class HubSpotFake {
  readonly server: FakeServer;
  readonly portalId = 24_681_357;
  /** Bearer tokens the fake accepts, with their scopes. */
  readonly tokens = new Map<string, string[]>();
  readonly companies = new Map<string, FakeCompany>();
  readonly deals: { id: string; companyId: string; amount: string; closed: boolean; currency: string }[] = [];
  readonly notes: FakeNote[] = [];
  /** Company properties beyond HubSpot's own: name → unique values required. */
  readonly customProperties = new Map<string, boolean>();
  private nextId = 1000;
  private readonly window: number[] = [];
  private readonly searches: number[] = [];

  constructor() {
    this.server = new FakeServer((request, body) => this.answer(request, body));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The properties Eirlead's docs/crm.md tells the customer to create. */
  createEirleadProperties(): void {
    this.customProperties.set('eirlead_org_id', true);
    for (const name of ['eirlead_last_seen', 'eirlead_visits', 'eirlead_pageviews', 'eirlead_top_pages', 'eirlead_lead_url']) this.customProperties.set(name, false);
  }

  addCompany(properties: Record<string, string>, modifiedAt = new Date()): FakeCompany {
    const id = String(this.nextId++);
    const at = modifiedAt.toISOString();
    const company = { id, properties: { ...properties, hs_lastmodifieddate: at }, createdAt: at, updatedAt: at };
    this.companies.set(id, company);
    return company;
  }

  private answer(request: ReceivedRequest, body: unknown): FakeAnswer | undefined {
    const limited = this.rateLimit(request);
    if (limited) return limited;
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    const scopes = token === undefined ? undefined : this.tokens.get(token);
    if (!scopes) return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.');
    const need = (...required: string[]): FakeAnswer | undefined => {
      const missing = required.filter((scope) => !scopes.includes(scope));
      return missing.length === 0
        ? undefined
        : error(403, 'MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call.", { errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: missing } }] });
    };
    const { method, path } = request;
    const input = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && path === '/account-info/2026-03/details') {
      return { status: 200, body: { portalId: this.portalId, accountType: 'STANDARD', timeZone: 'Europe/Dublin', companyCurrency: 'EUR', additionalCurrencies: [], utcOffset: '+00:00', utcOffsetMilliseconds: 0, uiDomain: 'app-eu1.hubspot.com', dataHostingLocation: 'eu1' } };
    }
    if (method === 'POST' && path === '/oauth/v2/private-apps/get/access-token-info') {
      return { status: 200, body: { userId: 1, hubId: this.portalId, appId: 77, scopes } };
    }
    if (method === 'GET' && path === `${V}/companies`) {
      return need('crm.objects.companies.read') ?? this.listCompanies(request.query);
    }
    if (method === 'POST' && path === `${V}/companies/search`) {
      return need('crm.objects.companies.read') ?? this.searchCompanies(input);
    }
    if (method === 'GET' && path === `${V}/deals`) {
      return need('crm.objects.deals.read') ?? this.listDeals(request.query);
    }
    if (method === 'POST' && path === '/crm/properties/2026-03/companies/batch/read') {
      const names = ((input.inputs ?? []) as { name: string }[]).map((entry) => entry.name);
      const results = names.flatMap((name) => {
        if (STANDARD_PROPERTIES.includes(name)) return [{ name, label: name, type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: false }];
        const unique = this.customProperties.get(name);
        return unique === undefined ? [] : [{ name, label: name, type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: unique }];
      });
      return need('crm.schemas.companies.read') ?? { status: 200, body: { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() } };
    }
    if (method === 'POST' && path === `${V}/companies/batch/upsert`) return need('crm.objects.companies.write') ?? this.upsert(input);
    if (method === 'POST' && path === `${V}/companies/batch/update`) return need('crm.objects.companies.write') ?? this.update(input);
    if (method === 'POST' && path === `${V}/notes/batch/create`) return need('crm.objects.contacts.write') ?? this.createNotes(input);
    return undefined;
  }

  private rateLimit(request: ReceivedRequest): FakeAnswer | undefined {
    const now = request.at;
    while (this.window.length > 0 && (this.window[0] ?? 0) <= now - 10_000) this.window.shift();
    while (this.searches.length > 0 && (this.searches[0] ?? 0) <= now - 1_000) this.searches.shift();
    const search = request.path.endsWith('/search');
    if (this.window.length >= 190) return { status: 429, body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } };
    if (search && this.searches.length >= 4) return { status: 429, body: { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' } };
    this.window.push(now);
    if (search) this.searches.push(now);
    return undefined;
  }

  private view(company: FakeCompany, wanted: readonly string[]) {
    const properties = Object.fromEntries(wanted.map((name) => [name, company.properties[name] ?? null]));
    return { id: company.id, properties: { ...properties, hs_object_id: company.id }, createdAt: company.createdAt, updatedAt: company.updatedAt, archived: false };
  }

  private listCompanies(query: URLSearchParams): FakeAnswer {
    const limit = Math.min(100, Number(query.get('limit') ?? 10));
    const after = Number(query.get('after') ?? 0);
    const wanted = (query.get('properties') ?? 'name,domain').split(',');
    const sorted = [...this.companies.values()].filter((company) => Number(company.id) > after).sort((a, b) => Number(a.id) - Number(b.id));
    const page = sorted.slice(0, limit);
    const last = page[page.length - 1];
    return { status: 200, body: { results: page.map((company) => this.view(company, wanted)), ...(sorted.length > limit && last ? { paging: { next: { after: last.id, link: `?after=${last.id}` } } } : {}) } };
  }

  private searchCompanies(input: Record<string, unknown>): FakeAnswer {
    const groups = (input.filterGroups ?? []) as { filters: { propertyName: string; operator: string; value: string }[] }[];
    const limit = Math.min(200, Number(input.limit ?? 10));
    const offset = Number(input.after ?? 0);
    const matches = [...this.companies.values()].filter((company) =>
      groups.length === 0 ||
      groups.some((group) =>
        group.filters.every((filter) => {
          const value = company.properties[filter.propertyName];
          if (filter.propertyName === 'hs_lastmodifieddate' && filter.operator === 'GTE') return value !== null && value !== undefined && Date.parse(value) >= Number(filter.value);
          return filter.operator === 'EQ' ? value === filter.value : false;
        }),
      ),
    );
    const page = matches.slice(offset, offset + limit);
    const wanted = (input.properties ?? ['name']) as string[];
    const next = offset + limit < Math.min(matches.length, 10_000) ? { paging: { next: { after: String(offset + limit) } } } : {};
    return { status: 200, body: { total: matches.length, results: page.map((company) => this.view(company, wanted)), ...next } };
  }

  private listDeals(query: URLSearchParams): FakeAnswer {
    const limit = Math.min(100, Number(query.get('limit') ?? 10));
    const offset = Number(query.get('after') ?? 0);
    const page = this.deals.slice(offset, offset + limit);
    return {
      status: 200,
      body: {
        results: page.map((deal) => ({
          id: deal.id,
          properties: { amount: deal.amount, hs_is_closed: String(deal.closed), deal_currency_code: deal.currency },
          associations: { companies: { results: [{ id: deal.companyId, type: 'deal_to_company' }] } },
        })),
        ...(offset + limit < this.deals.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
      },
    };
  }

  /** HubSpot refuses a property that does not exist: `PROPERTY_DOESNT_EXIST`, the whole batch. */
  private invalidProperties(properties: Record<string, unknown>): FakeAnswer | undefined {
    const unknown = Object.keys(properties).filter((name) => !STANDARD_PROPERTIES.includes(name) && !this.customProperties.has(name));
    if (unknown.length === 0) return undefined;
    const details = unknown.map((name) => ({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name }));
    return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(details)}`);
  }

  private upsert(input: Record<string, unknown>): FakeAnswer {
    const inputs = (input.inputs ?? []) as { idProperty: string; id: string; properties: Record<string, string> }[];
    const results = [];
    for (const entry of inputs) {
      if (!this.customProperties.get(entry.idProperty)) return error(400, 'VALIDATION_ERROR', `Property ${entry.idProperty} is not a unique-value property`);
      const invalid = this.invalidProperties(entry.properties);
      if (invalid) return invalid;
      const existing = [...this.companies.values()].find((company) => company.properties[entry.idProperty] === entry.id);
      const now = new Date().toISOString();
      if (existing) {
        Object.assign(existing.properties, entry.properties, { hs_lastmodifieddate: now });
        existing.updatedAt = now;
        results.push({ ...this.view(existing, Object.keys(entry.properties)), new: false });
      } else {
        const created = this.addCompany({ ...entry.properties, [entry.idProperty]: entry.id });
        results.push({ ...this.view(created, Object.keys(entry.properties)), new: true });
      }
    }
    return { status: 200, body: { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() } };
  }

  private update(input: Record<string, unknown>): FakeAnswer {
    const inputs = (input.inputs ?? []) as { id: string; properties: Record<string, string> }[];
    const results = [];
    for (const entry of inputs) {
      const company = this.companies.get(entry.id);
      if (!company) return error(404, 'OBJECT_NOT_FOUND', `Object not found.  objectId are usually numeric. ${entry.id}`);
      const invalid = this.invalidProperties(entry.properties);
      if (invalid) return invalid;
      Object.assign(company.properties, entry.properties, { hs_lastmodifieddate: new Date().toISOString() });
      results.push(this.view(company, Object.keys(entry.properties)));
    }
    return { status: 200, body: { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() } };
  }

  private createNotes(input: Record<string, unknown>): FakeAnswer {
    const inputs = (input.inputs ?? []) as { properties: Record<string, string>; associations?: { to: { id: string }; types: { associationCategory: string; associationTypeId: number }[] }[] }[];
    const created: FakeNote[] = [];
    for (const entry of inputs) {
      if (!entry.properties.hs_timestamp) return error(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required');
      const companyIds = (entry.associations ?? []).map((association) => {
        const type = association.types[0];
        if (!type || type.associationTypeId !== 190 || type.associationCategory !== 'HUBSPOT_DEFINED') return undefined;
        return this.companies.has(association.to.id) ? association.to.id : undefined;
      });
      if (companyIds.some((id) => id === undefined)) return error(400, 'VALIDATION_ERROR', 'One or more associations are invalid');
      created.push({ id: String(this.nextId++), properties: entry.properties, companyIds: companyIds as string[] });
    }
    this.notes.push(...created);
    return { status: 201, body: { status: 'COMPLETE', results: created.map((note) => ({ id: note.id, properties: note.properties, archived: false })), startedAt: new Date().toISOString(), completedAt: new Date().toISOString() } };
  }
}
