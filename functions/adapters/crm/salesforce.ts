import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod';
import type { PlannedRequest, PushField, SalesforceCredentials } from '../../contracts/api/crm';
import { CrmError, type ApiUsage, type CrmConnector, type Page, type PushOutcome, type VerifiedConnection } from '../../domain/crm/connector';
import type { CrmAccount, OpenDeal } from '../../domain/crm/model';
import type { CompanyFields, CompanyPush } from '../../domain/crm/push-plan';
import { connectorPolicy, type ConnectorContext } from './context';
import { CrmHttp, type ErrorReading, field } from './http';

/**
 * Salesforce over its REST API, authenticated by the OAuth 2.0 client-credentials flow of an External Client App
 * on the customer's My Domain (the app runs as the execution user the admin chose). Accounts and open
 * opportunities are read with SOQL (2,000 records a page); pushes use sObject Collections (up to 200 records a
 * request): Account upsert by the external-id field `Eirlead_Org_Id__c`, visits as completed Tasks. The daily API
 * allocation is read from every answer's `Sforce-Limit-Info`; a sync stops with a tenth of it left for the
 * customer's other integrations. Disconnecting revokes the token.
 */
export const SALESFORCE_API_VERSION = 'v66.0';
const DATA = `/services/data/${SALESFORCE_API_VERSION}`;
export const SALESFORCE_FIELDS = {
  externalId: 'Eirlead_Org_Id__c',
  lastSeen: 'Eirlead_Last_Seen__c',
  visits: 'Eirlead_Visits__c',
  pageviews: 'Eirlead_Pageviews__c',
  topPages: 'Eirlead_Top_Pages__c',
  leadUrl: 'Eirlead_Lead_Url__c',
} as const satisfies Record<keyof CompanyFields | 'externalId', string>;
/** The share of the daily allocation a sync leaves to the customer's other integrations. */
const ALLOCATION_RESERVE = 0.1;

const StateSchema = z.object({ instanceUrl: z.string(), orgId: z.string(), personAccounts: z.boolean() });
type SalesforceState = z.infer<typeof StateSchema>;

const TokenSchema = z.object({ access_token: z.string(), instance_url: z.string(), id: z.string().optional() });
const DescribeSchema = z.object({
  createable: z.boolean().optional(),
  fields: z.array(z.object({ name: z.string(), externalId: z.boolean().optional() })),
});
const AccountRecordSchema = z.object({
  Id: z.string(),
  Name: z.string().nullable(),
  Website: z.string().nullable().optional(),
  OwnerId: z.string().nullable().optional(),
  Owner: z.object({ Name: z.string().nullable().optional() }).nullable().optional(),
  Type: z.string().nullable().optional(),
  SystemModstamp: z.string().nullable().optional(),
  Eirlead_Org_Id__c: z.string().nullable().optional(),
});
const OpportunitySchema = z.object({ AccountId: z.string().nullable(), Amount: z.number().nullable().optional() });
const queryAnswer = <S extends z.ZodType>(record: S) => z.object({ done: z.boolean(), nextRecordsUrl: z.string().optional(), records: z.array(record) });
const SaveResultsSchema = z.array(
  z.object({
    id: z.string().nullable().optional(),
    success: z.boolean(),
    created: z.boolean().optional(),
    errors: z.array(z.object({ statusCode: z.string().optional(), message: z.string() })).default([]),
  }),
);

export class SalesforceConnector implements CrmConnector {
  readonly provider = 'salesforce' as const;
  private readonly http: CrmHttp;
  private token: { accessToken: string; instanceUrl: string; id?: string } | undefined;
  private allocation: { used: number; limit: number } | undefined;

  constructor(
    private readonly credentials: SalesforceCredentials,
    private readonly state: SalesforceState | undefined,
    private readonly context: ConnectorContext,
  ) {
    checkInstanceUrl(credentials.instanceUrl, context);
    this.http = new CrmHttp({
      provider: 'salesforce',
      baseUrl: credentials.instanceUrl,
      policy: connectorPolicy(context, 60_000),
      authorize: async () => ({ Authorization: `Bearer ${(await this.session()).accessToken}` }),
      reauthorize: async () => {
        this.token = undefined;
        await this.session();
        return true;
      },
      readError: readSalesforceError,
      maxWaitMs: context.maxWaitMs,
      onAnswer: (headers) => this.readAllocation(headers),
    });
  }

  static stateOf(value: unknown): SalesforceState | undefined {
    const parsed = StateSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async verify(fields: readonly PushField[]): Promise<VerifiedConnection> {
    const session = await this.session();
    const account = await this.http.json(DescribeSchema, { method: 'GET', path: `${DATA}/sobjects/Account/describe` });
    const names = new Set(account.fields.map((entry) => entry.name));
    const wanted = [SALESFORCE_FIELDS.externalId, ...fields.flatMap((name) => (name in SALESFORCE_FIELDS ? [SALESFORCE_FIELDS[name as keyof CompanyFields]] : []))];
    const missing = wanted.filter((name) => !names.has(name));
    if (missing.length > 0) throw new CrmError('missing-field', 'salesforce', `Create the Account fields ${missing.join(', ')} (docs/crm.md), visible to the execution user`, { missing });
    if (!account.fields.some((entry) => entry.name === SALESFORCE_FIELDS.externalId && entry.externalId)) {
      throw new CrmError('missing-field', 'salesforce', `The Account field ${SALESFORCE_FIELDS.externalId} must be marked External ID`, { missing: [SALESFORCE_FIELDS.externalId] });
    }
    if (fields.includes('visitNotes')) {
      const task = await this.http.json(DescribeSchema, { method: 'GET', path: `${DATA}/sobjects/Task/describe` });
      if (task.createable === false) throw new CrmError('scope', 'salesforce', 'The execution user may not create Tasks (needed for visit notes)', { missing: ['Task: create'] });
    }
    const orgId = session.id?.split('/').at(-2) ?? new URL(session.instanceUrl).hostname;
    const state: SalesforceState = { instanceUrl: session.instanceUrl, orgId, personAccounts: names.has('IsPersonAccount') };
    return { account: { id: orgId, name: new URL(session.instanceUrl).hostname }, state };
  }

  async listAccounts(request: { cursor?: string; modifiedSince?: string }): Promise<Page<CrmAccount>> {
    this.keepReserve();
    const conditions = [
      // Person accounts are people, not organisations: never copied.
      ...(this.state?.personAccounts ? ['IsPersonAccount = false'] : []),
      ...(request.modifiedSince ? [`SystemModstamp >= ${new Date(request.modifiedSince).toISOString().replace(/\.\d{3}Z$/, 'Z')}`] : []),
    ];
    const soql = `SELECT Id, Name, Website, OwnerId, Owner.Name, Type, SystemModstamp, ${SALESFORCE_FIELDS.externalId} FROM Account${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    const page = await this.query(queryAnswer(AccountRecordSchema), soql, request.cursor);
    const base = this.state?.instanceUrl ?? this.credentials.instanceUrl;
    return {
      items: page.records.map((record) => ({
        accountId: record.Id,
        name: record.Name ?? '',
        domains: record.Website ? [record.Website] : [],
        ...(record.OwnerId ? { owner: { id: record.OwnerId, ...(record.Owner?.Name ? { name: record.Owner.Name } : {}) } } : {}),
        lifecycle: (record.Type ?? '').toLowerCase().startsWith('customer') ? ('customer' as const) : ('other' as const),
        url: `${base.replace(/\/$/, '')}/lightning/r/Account/${record.Id}/view`,
        ...(record.Eirlead_Org_Id__c ? { externalId: record.Eirlead_Org_Id__c } : {}),
        ...(record.SystemModstamp ? { modifiedAt: record.SystemModstamp } : {}),
      })),
      ...(page.nextRecordsUrl && !page.done ? { next: page.nextRecordsUrl } : {}),
    };
  }

  async listOpenDeals(request: { cursor?: string }): Promise<Page<OpenDeal>> {
    this.keepReserve();
    const page = await this.query(queryAnswer(OpportunitySchema), 'SELECT AccountId, Amount FROM Opportunity WHERE IsClosed = false AND AccountId != null', request.cursor);
    return {
      items: page.records.flatMap((record) => (record.AccountId ? [{ accountId: record.AccountId, ...(typeof record.Amount === 'number' ? { amount: record.Amount } : {}) }] : [])),
      ...(page.nextRecordsUrl && !page.done ? { next: page.nextRecordsUrl } : {}),
    };
  }

  planPush(push: CompanyPush): PlannedRequest[] {
    const values = this.values(push);
    const company: PlannedRequest =
      push.target.kind === 'account'
        ? { method: 'PATCH', path: `${DATA}/composite/sobjects`, body: { allOrNone: true, records: [{ attributes: { type: 'Account' }, Id: push.target.accountId, ...values }] } }
        : { method: 'PATCH', path: `${DATA}/composite/sobjects/Account/${SALESFORCE_FIELDS.externalId}`, body: { allOrNone: true, records: [{ attributes: { type: 'Account' }, ...values }] } };
    if (push.notes.length === 0) return [company];
    const accountId = push.target.kind === 'account' ? push.target.accountId : '{accountId}';
    return [company, { method: 'POST', path: `${DATA}/composite/sobjects`, body: this.tasksBody(push, accountId) }];
  }

  async push(push: CompanyPush): Promise<PushOutcome> {
    const [company, tasks] = this.planPush(push);
    if (!company) throw new Error('Salesforce push: no company request');
    const [saved] = await this.http.json(SaveResultsSchema, { method: 'PATCH', path: company.path, body: company.body });
    if (!saved?.success || !saved.id) {
      const error = saved?.errors[0];
      throw new CrmError('rejected', 'salesforce', error?.message ?? 'The account was not saved', { status: 400, ...(error?.statusCode ? { code: error.statusCode } : {}) });
    }
    const outcome = { accountId: saved.id, created: saved.created === true };
    if (!tasks) return { ...outcome, notedVisits: [] };
    try {
      const results = await this.http.json(SaveResultsSchema, { method: 'POST', path: tasks.path, body: this.tasksBody(push, saved.id) });
      const noted = push.notes.filter((_, index) => results[index]?.success).map((note) => note.visitId);
      const failed = results.find((result) => !result.success)?.errors[0];
      return { ...outcome, notedVisits: noted, ...(failed ? { notesError: new CrmError('rejected', 'salesforce', failed.message, failed.statusCode ? { code: failed.statusCode } : {}) } : {}) };
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      return { ...outcome, notedVisits: [], notesError: error };
    }
  }

  async revoke(): Promise<'revoked'> {
    const session = await this.session();
    await this.http.json(z.unknown(), { method: 'POST', path: '/services/oauth2/revoke', form: { token: session.accessToken }, authorized: false });
    this.token = undefined;
    return 'revoked';
  }

  usage(): ApiUsage {
    return { calls: this.http.calls, ...(this.allocation ? { allocation: this.allocation } : {}) };
  }

  private async query<S extends z.ZodType>(schema: S, soql: string, cursor: string | undefined): Promise<z.output<S>> {
    // A cursor is the `nextRecordsUrl` Salesforce handed out; only a query locator of this API is accepted.
    if (cursor !== undefined && !/^\/services\/data\/v\d+\.\d\/query\/[A-Za-z0-9-]+$/.test(cursor)) throw new CrmError('bad-answer', 'salesforce', 'Not a query locator');
    return this.http.json(schema, {
      method: 'GET',
      path: cursor ?? `${DATA}/query`,
      ...(cursor ? {} : { query: { q: soql } }),
      headers: { 'Sforce-Query-Options': 'batchSize=2000' },
    });
  }

  private async session(): Promise<NonNullable<SalesforceConnector['token']>> {
    if (this.token) return this.token;
    const answer = await this.http.json(TokenSchema, {
      method: 'POST',
      path: '/services/oauth2/token',
      form: { grant_type: 'client_credentials', client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret },
      authorized: false,
    });
    checkInstanceUrl(answer.instance_url, this.context);
    this.token = { accessToken: answer.access_token, instanceUrl: answer.instance_url, ...(answer.id ? { id: answer.id } : {}) };
    return this.token;
  }

  private readAllocation(headers: IncomingHttpHeaders): void {
    const info = headers['sforce-limit-info'];
    const match = /api-usage=(\d+)\/(\d+)/.exec(Array.isArray(info) ? (info[0] ?? '') : (info ?? ''));
    if (match) this.allocation = { used: Number(match[1]), limit: Number(match[2]) };
  }

  private keepReserve(): void {
    const allocation = this.allocation;
    if (allocation && allocation.limit - allocation.used <= allocation.limit * ALLOCATION_RESERVE) {
      throw new CrmError('rate-limited', 'salesforce', `The org has used ${allocation.used} of its ${allocation.limit} daily API requests; the sync leaves the rest to other integrations`, {
        code: 'ALLOCATION_RESERVE',
        retryAfterMs: 6 * 3_600_000,
      });
    }
  }

  private values(push: CompanyPush): Record<string, string | number> {
    const values: Record<string, string | number> = { [SALESFORCE_FIELDS.externalId]: push.externalId };
    for (const [name, value] of Object.entries(push.fields) as [keyof CompanyFields, string | number | undefined][]) {
      if (value !== undefined) values[SALESFORCE_FIELDS[name]] = value;
    }
    if (push.target.kind === 'external-id' && push.target.create) {
      values.Name = push.target.create.name;
      if (push.target.create.domain) values.Website = push.target.create.domain;
    }
    return values;
  }

  private tasksBody(push: CompanyPush, accountId: string) {
    return {
      allOrNone: false,
      records: push.notes.map((note) => ({
        attributes: { type: 'Task' },
        WhatId: accountId,
        Subject: 'Website visit (Eirlead)',
        Status: 'Completed',
        ActivityDate: note.at.slice(0, 10),
        Description: note.text,
      })),
    };
  }
}

/** A customer-given instance URL must be a My Domain (or what the local runtime's fakes are). */
function checkInstanceUrl(instanceUrl: string, context: ConnectorContext): void {
  const url = URL.parse(instanceUrl);
  const suffix = context.endpoints.salesforceHostSuffix;
  const host = url?.hostname ?? '';
  const allowed = suffix.startsWith('.') ? host.endsWith(suffix) && host.length > suffix.length : host === suffix;
  if (!url || !allowed || (url.protocol !== 'https:' && !context.policy.allowLoopback)) {
    throw new CrmError('rejected', 'salesforce', `The instance URL must be your My Domain URL, https://<name>${suffix.startsWith('.') ? suffix : ''}`, { missing: ['instanceUrl'] });
  }
}

/** Salesforce answers errors as `[{message, errorCode}]`, OAuth errors as `{error, error_description}`. */
export function readSalesforceError(status: number, body: unknown): ErrorReading {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  const code = field(first, 'errorCode') ?? field(first, 'error') ?? `HTTP_${status}`;
  const message = field(first, 'message') ?? field(first, 'error_description') ?? `HTTP ${status}`;
  if (status === 401 || code === 'invalid_client' || code === 'invalid_client_id' || code === 'invalid_grant' || code === 'INVALID_SESSION_ID') return { kind: 'auth', code, message };
  if (code === 'REQUEST_LIMIT_EXCEEDED') return { kind: 'rate-limited', code, message };
  if (status === 403) return { kind: 'scope', code, message };
  if (code === 'INVALID_FIELD' && /Eirlead_/.test(message)) return { kind: 'missing-field', code, message };
  return { kind: 'rejected', code, message };
}
