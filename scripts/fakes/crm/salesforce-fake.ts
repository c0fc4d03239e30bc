import { FakeServer, type FakeAnswer, type ReceivedRequest } from './fake-server';

/**
 * A contract fake of a Salesforce org's REST API (v66.0) as Salesforce documents it: the OAuth 2.0
 * client-credentials token request of an External Client App (`/services/oauth2/token`, form-encoded), token
 * revocation, sObject describes, SOQL queries (`/query?q=`, pages with `nextRecordsUrl`, `Sforce-Query-Options`
 * batch size), sObject Collections (update by Id, upsert by an external-id field, create) with per-record save
 * results, `[{message, errorCode}]` error bodies, and the daily allocation in every answer's `Sforce-Limit-Info`.
 */
const DATA = '/services/data/v66.0';
const ORG_ID = '00D5g000004XyzAEAS';

export interface FakeAccount {
  Id: string;
  Name: string;
  Website: string | null;
  OwnerId: string;
  Type: string | null;
  SystemModstamp: string;
  [field: string]: string | number | null;
}

const errors = (status: number, errorCode: string, message: string): FakeAnswer => ({ status, body: [{ message, errorCode }] });

export class SalesforceFake {
  readonly server: FakeServer;
  readonly clientId = '3MVG9_fake_consumer_key_for_eirlead_tests';
  readonly clientSecret = 'F3A9C0D1E2B4A5968778695A4B3C2D1E0F';
  readonly accounts = new Map<string, FakeAccount>();
  readonly opportunities: { AccountId: string; Amount: number; IsClosed: boolean }[] = [];
  readonly tasks: Record<string, unknown>[] = [];
  /** Custom Account fields, with whether each is an External ID. */
  readonly customFields = new Map<string, boolean>();
  readonly revoked: string[] = [];
  apiUsage = 1_000;
  readonly apiLimit = 100_000;
  private readonly tokens = new Set<string>();
  private nextId = 1;
  private url = '';

  constructor() {
    this.server = new FakeServer((request, body) => this.answer(request, body));
  }

  async start(): Promise<string> {
    this.url = await this.server.start();
    return this.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  createEirleadFields(): void {
    this.customFields.set('Eirlead_Org_Id__c', true);
    for (const name of ['Eirlead_Last_Seen__c', 'Eirlead_Visits__c', 'Eirlead_Pageviews__c', 'Eirlead_Top_Pages__c', 'Eirlead_Lead_Url__c']) this.customFields.set(name, false);
  }

  addAccount(fields: Partial<FakeAccount> & { Name: string }): FakeAccount {
    const account: FakeAccount = { Id: `001${String(this.nextId++).padStart(15, '0')}`, Website: null, OwnerId: '005000000000001AAA', Type: null, SystemModstamp: new Date().toISOString().replace('Z', '+0000'), ...fields };
    this.accounts.set(account.Id, account);
    return account;
  }

  private answer(request: ReceivedRequest, body: unknown): FakeAnswer | undefined {
    this.apiUsage++;
    const answer = this.route(request, body);
    return answer && { ...answer, headers: { 'Sforce-Limit-Info': `api-usage=${this.apiUsage}/${this.apiLimit}`, ...answer.headers } };
  }

  private route(request: ReceivedRequest, body: unknown): FakeAnswer | undefined {
    const { method, path } = request;
    if (method === 'POST' && path === '/services/oauth2/token') {
      const form = new URLSearchParams(request.body);
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
      if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
      const token = `00D5g!AQ${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      this.tokens.add(token);
      return { status: 200, body: { access_token: token, instance_url: this.url, id: `https://login.salesforce.com/id/${ORG_ID}/005000000000001AAA`, token_type: 'Bearer', issued_at: String(Date.now()), signature: 'c2lnbmF0dXJl' } };
    }
    if (method === 'POST' && path === '/services/oauth2/revoke') {
      const token = new URLSearchParams(request.body).get('token') ?? '';
      this.tokens.delete(token);
      this.revoked.push(token);
      return { status: 200 };
    }
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!bearer || !this.tokens.has(bearer)) return errors(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (method === 'GET' && path === `${DATA}/sobjects/Account/describe`) {
      const standard = ['Id', 'Name', 'Website', 'OwnerId', 'Type', 'SystemModstamp'].map((name) => ({ name, externalId: false, unique: false }));
      const custom = [...this.customFields].map(([name, externalId]) => ({ name, externalId, unique: externalId }));
      return { status: 200, body: { name: 'Account', createable: true, updateable: true, fields: [...standard, ...custom] } };
    }
    if (method === 'GET' && path === `${DATA}/sobjects/Task/describe`) {
      return { status: 200, body: { name: 'Task', createable: true, fields: ['Id', 'WhatId', 'Subject', 'Status', 'ActivityDate', 'Description'].map((name) => ({ name })) } };
    }
    if (method === 'GET' && path === `${DATA}/query`) return this.query(request.query.get('q') ?? '', 0, Number(/batchSize=(\d+)/.exec(String(request.headers['sforce-query-options'] ?? ''))?.[1] ?? 2000));
    const locator = new RegExp(`^${DATA}/query/01g[A-Za-z0-9]+-(\\d+)-(\\d+)$`).exec(path);
    if (method === 'GET' && locator) return this.queryFrom(Number(locator[1]), Number(locator[2]));
    if (method === 'PATCH' && path === `${DATA}/composite/sobjects`) return this.save((body as { records: Record<string, unknown>[] }).records, 'update');
    if (method === 'PATCH' && path === `${DATA}/composite/sobjects/Account/Eirlead_Org_Id__c`) {
      if (!this.customFields.get('Eirlead_Org_Id__c')) return errors(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible: Eirlead_Org_Id__c');
      return this.save((body as { records: Record<string, unknown>[] }).records, 'upsert');
    }
    if (method === 'POST' && path === `${DATA}/composite/sobjects`) return this.save((body as { records: Record<string, unknown>[] }).records, 'create');
    return undefined;
  }

  private lastQuery = '';

  private query(soql: string, offset: number, batchSize: number): FakeAnswer {
    this.lastQuery = soql;
    return this.queryFrom(offset, Math.min(2000, Math.max(200, batchSize)));
  }

  private queryFrom(offset: number, batchSize: number): FakeAnswer {
    const soql = this.lastQuery;
    let records: Record<string, unknown>[];
    if (/FROM Opportunity/.test(soql)) {
      records = this.opportunities.filter((opportunity) => !opportunity.IsClosed).map((opportunity) => ({ attributes: { type: 'Opportunity' }, AccountId: opportunity.AccountId, Amount: opportunity.Amount }));
    } else if (/FROM Account/.test(soql)) {
      const since = /SystemModstamp >= (\S+)/.exec(soql)?.[1];
      records = [...this.accounts.values()]
        .filter((account) => !since || Date.parse(account.SystemModstamp.replace('+0000', 'Z')) >= Date.parse(since))
        .map((account) => ({ attributes: { type: 'Account', url: `${DATA}/sobjects/Account/${account.Id}` }, ...account, Owner: { attributes: { type: 'User' }, Name: 'Ada Owner' } }));
    } else return errors(400, 'MALFORMED_QUERY', 'unexpected token');
    const page = records.slice(offset, offset + batchSize);
    const done = offset + batchSize >= records.length;
    return { status: 200, body: { totalSize: records.length, done, records: page, ...(done ? {} : { nextRecordsUrl: `${DATA}/query/01gD0000002HU6KIAW-${offset + batchSize}-${batchSize}` }) } };
  }

  private save(records: Record<string, unknown>[], mode: 'update' | 'upsert' | 'create'): FakeAnswer {
    if (records.length > 200) return errors(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const results = records.map((record) => {
      const { attributes, ...fields } = record as { attributes: { type: string } } & Record<string, string | number>;
      const unknown = Object.keys(fields).filter((name) => name.endsWith('__c') && attributes.type === 'Account' && !this.customFields.has(name));
      if (unknown.length > 0) return { id: null, success: false, errors: [{ statusCode: 'INVALID_FIELD', message: `No such column '${unknown[0]}' on sobject of type Account`, fields: unknown }] };
      if (attributes.type === 'Task') {
        const account = this.accounts.get(String(fields.WhatId));
        if (!account) return { id: null, success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['WhatId'] }] };
        const id = `00T${String(this.nextId++).padStart(15, '0')}`;
        this.tasks.push({ Id: id, ...fields });
        return { id, success: true, errors: [] };
      }
      const now = new Date().toISOString().replace('Z', '+0000');
      if (mode === 'update') {
        const account = this.accounts.get(String(fields.Id));
        if (!account) return { id: null, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
        Object.assign(account, fields, { SystemModstamp: now });
        return { id: account.Id, success: true, errors: [] };
      }
      const existing = [...this.accounts.values()].find((account) => account.Eirlead_Org_Id__c === fields.Eirlead_Org_Id__c);
      if (existing) {
        Object.assign(existing, fields, { SystemModstamp: now });
        return { id: existing.Id, success: true, errors: [], created: false };
      }
      if (!fields.Name) return { id: null, success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] }] };
      const created = this.addAccount({ ...(fields as unknown as FakeAccount) });
      return { id: created.Id, success: true, errors: [], created: true };
    });
    return { status: 200, body: results };
  }
}
