/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { randomBytes } from 'node:crypto';
import { HubSpotFake } from '../../scripts/fakes/crm/hubspot-fake';
import { type AlertReceivers, startAlertReceivers } from './support/alert-receivers';
import { type CrmRuntime, SITE, startCrmRuntime, until, VISITOR } from './support/crm-runtime';

/**
 * The CRM integration end to end through the local runtime (the same handlers as on AWS) against a contract fake
 * of HubSpot on 127.0.0.1: connect (credentials checked, sealed), the sync copies 5,000 companies and matches the
 * visiting organisation, push (dry run, then twice: one company, no duplicate notes, a 429 with Retry-After
 * honoured), and disconnect (nothing of the connection left in the table, the receipt in the audit trail).
 */
// Syncing 5,001 companies takes about 8 s on its own DynamoDB Local; the limits leave room for a loaded CI runner.
jest.setTimeout(600_000);
const SYNC_WAIT_MS = 400_000;

const ALL_SCOPES = ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read', 'crm.objects.contacts.write'];
const TOKEN = 'pat-eu1-0c5f3c1e-4b7a-4d61-9a1d-6f2e8b9c1a2b';

let hubspot: HubSpotFake;
let receivers: AlertReceivers;
let crm: CrmRuntime;
const api = (method: string, path: string, body?: unknown) => crm.api(method, path, body);
const visit = (paths: readonly string[]) => crm.visitAndWait(paths);

beforeAll(async () => {
  hubspot = new HubSpotFake();
  const hubspotUrl = await hubspot.start();
  receivers = await startAlertReceivers();
  // Alert webhooks go to a receiver on this machine, whose certificate the test made.
  crm = await startCrmRuntime({ hubspot: hubspotUrl }, { alertsOutbound: { allowLoopback: true, trustedCertificates: [receivers.certificate] } });
});

afterAll(async () => {
  await crm?.stop();
  await hubspot?.stop();
  await receivers?.close();
});

describe('HubSpot, end to end through the local runtime', () => {
  let leadId: string;
  let organisation: string;
  let connectionId: string;
  let customerId: string;

  it('records a visit of a known organisation as a lead', async () => {
    await visit(['/pricing', '/docs/crm']);
    const lead = await until('the lead', async () => {
      const { body } = await api('GET', `/v1/sites/${SITE}/leads`);
      return (body?.items as { leadId: string; organisation: { name: string } }[] | undefined)?.[0];
    });
    leadId = lead.leadId;
    organisation = lead.organisation.name;
    // The CRM: 5,000 other companies, and the visitor's organisation as a customer, under a variant of its name.
    for (let i = 0; i < 5_000; i++) hubspot.addCompany({ name: `Company ${i} Ltd`, domain: `company${i}.example`, lifecyclestage: i % 3 === 0 ? 'customer' : 'lead' });
    customerId = hubspot.addCompany({ name: `${organisation.toUpperCase()}.`, lifecyclestage: 'customer', hubspot_owner_id: '512' }).id;
    hubspot.deals.push({ id: 'd1', companyId: customerId, amount: '1200.50', closed: false, currency: 'EUR' });
  });

  it('refuses wrong credentials, missing scopes and missing properties with a 400 naming which, storing nothing', async () => {
    hubspot.tokens.set('pat-eu1-too-few-scopes-0000', ['crm.objects.companies.read']);
    const wrong = await api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'hubspot', credentials: { token: 'pat-eu1-unknown-token-1234' } });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'CrmCredentialsRejected', issues: [{ path: 'credentials' }] } } });

    const narrow = await api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'hubspot', credentials: { token: 'pat-eu1-too-few-scopes-0000' } });
    expect(narrow.status).toBe(400);
    expect(narrow.body?.error.code).toBe('CrmScopeMissing');
    expect(JSON.stringify(narrow.body)).toContain('crm.objects.companies.write');

    hubspot.tokens.set(TOKEN, ALL_SCOPES);
    const noFields = await api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'hubspot', credentials: { token: TOKEN } });
    expect(noFields.status).toBe(400);
    expect(noFields.body?.error.code).toBe('CrmFieldMissing');
    expect(JSON.stringify(noFields.body)).toContain('eirlead_org_id');

    expect((await api('GET', `/v1/sites/${SITE}/crm/connections`)).body).toEqual({ items: [] });
  });

  it('connects, keeps the token sealed (last four only), and the first sync copies every company and matches the lead', async () => {
    hubspot.createEirleadProperties();
    const created = await api('POST', `/v1/sites/${SITE}/crm/connections`, {
      provider: 'hubspot',
      credentials: { token: TOKEN },
      settings: { fields: ['lastSeen', 'visits', 'pageviews', 'topPages', 'visitNotes'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'hubspot', account: { id: String(hubspot.portalId) }, credentials: { lastFour: '…1a2b' } });
    expect(JSON.stringify(created.body)).not.toContain(TOKEN);
    connectionId = String(created.body?.connectionId);

    const status = await until('the first sync', async () => {
      const { body } = await api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`);
      return body?.lastRun?.outcome === 'succeeded' ? body : body?.lastRun?.outcome === 'failed' ? (() => { throw new Error(JSON.stringify(body)); })() : undefined;
    }, SYNC_WAIT_MS);
    expect(status).toMatchObject({ copy: { accounts: 5_001 }, lastRun: { mode: 'full', read: { accounts: 5_001, openDeals: 1 }, written: { links: 1 } }, failures: [] });
    // 51 pages of 100 companies and one of deals, within HubSpot's 190 requests per 10 s (the fake answers 429 above it).
    expect(status.lastRun.apiCalls).toBe(52);

    const { body: lead } = await api('GET', `/v1/sites/${SITE}/leads/${leadId}`);
    expect(lead?.crm).toEqual({
      provider: 'hubspot',
      accountId: customerId,
      name: `${organisation.toUpperCase()}.`,
      url: `https://app-eu1.hubspot.com/contacts/${hubspot.portalId}/record/0-2/${customerId}`,
      status: 'customer',
      owner: { id: '512' },
      matchedBy: 'name',
    });
    const { body: list } = await api('GET', `/v1/sites/${SITE}/leads`);
    expect(list?.items[0].crm).toMatchObject({ accountId: customerId, status: 'customer' });
    const listed = async (filter: string) => (await api('GET', `/v1/sites/${SITE}/leads?crm=${filter}`)).body?.items.map((item: { leadId: string }) => item.leadId);
    expect(await listed('customer')).toEqual([leadId]);
    expect(await listed('any')).toEqual([leadId]);
    expect(await listed('open-deal')).toEqual([]);
    expect(await listed('none')).toEqual([]);
    const bad = await api('GET', `/v1/sites/${SITE}/leads?crm=prospect`);
    expect(bad.status).toBe(400);
    expect(bad.body?.error.issues[0].path).toBe('crm');
  });

  it('alerts on the CRM status: a rule for customers fires for the matched customer, one for non-customers does not', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const endpoint = await api('POST', `/v1/sites/${SITE}/alert-endpoints`, { kind: 'webhook', name: 'account managers', url: `${receivers.baseUrl}/crm-status`, secret });
    expect(endpoint.status).toBe(201);
    const endpointIds = [String(endpoint.body?.endpointId)];
    const customers = await api('POST', `/v1/sites/${SITE}/alert-rules`, { name: 'A customer is back', conditions: { crmStatus: ['customer'] }, endpointIds });
    const prospects = await api('POST', `/v1/sites/${SITE}/alert-rules`, { name: 'Not a customer', conditions: { crmStatus: ['open-deal', 'known', 'unknown'] }, endpointIds });
    expect([customers.status, prospects.status]).toEqual([201, 201]);

    await visit(['/pricing']);
    const [received] = await receivers.waitFor('/crm-status', 1, 60_000);
    expect(JSON.parse(String(received?.body)).data.rule).toEqual({ ruleId: customers.body?.ruleId, name: 'A customer is back' });
    // The evaluation that fired the first rule had the second before it too: nothing more arrives for that page view.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receivers.requestsTo('/crm-status')).toHaveLength(1);
    for (const rule of [customers, prospects]) expect((await api('DELETE', `/v1/sites/${SITE}/alert-rules/${rule.body?.ruleId}`)).status).toBe(204);
  });

  it('runs an incremental sync when asked, reading only what changed', async () => {
    hubspot.addCompany({ name: 'Newcomer GmbH', domain: 'newcomer.example' });
    const queued = await api('POST', `/v1/sites/${SITE}/crm/connections/${connectionId}/sync`);
    expect(queued.status).toBe(202);
    const status = await until('the second sync', async () => {
      const { body } = await api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`);
      return body?.lastRun?.outcome === 'succeeded' && body.lastRun.mode === 'incremental' ? body : undefined;
    }, SYNC_WAIT_MS);
    expect(status.lastRun.read.accounts).toBeLessThan(10);
    expect(status.copy.accounts).toBe(5_002);
  });

  it('answers bad requests with a 4xx naming the field, never a 5xx', async () => {
    expect((await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [] })).body?.error.issues[0].path).toBe('leadIds');
    expect((await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId], fields: ['x'] })).body?.error.issues[0].path).toBe('fields');
    expect((await api('POST', `/v1/sites/${SITE}/crm/connections/${connectionId}/settings`, { fields: ['lastSeen', 'lastSeen'] })).body?.error.issues[0].path).toBe('fields');
    expect((await api('GET', `/v1/sites/${SITE}/crm/connections/zzz/status`)).status).toBe(404);
    expect((await api('GET', `/v1/sites/${SITE}/crm/connections/NOT-AN-ID/status`)).body?.error.issues[0].path).toBe('connectionId');
    expect((await api('POST', `/v1/sites/${SITE}/leads/${leadId}/crm-link`, { accountId: 'no-such-account' })).status).toBe(404);
    const plain = await fetch(`${crm.runtime.url}/v1/sites/${SITE}/crm/push`, { method: 'POST', headers: { Authorization: `Bearer ${crm.runtime.apiKey}`, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const second = await api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'hubspot', credentials: { token: TOKEN } });
    expect(second.status).toBe(409);
  });

  it('answers a dry run with exactly what would be sent, and sends nothing', async () => {
    const before = hubspot.server.received.length;
    const dry = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId], dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body?.items[0]).toMatchObject({ outcome: 'planned', target: 'linked-account' });
    const [company, notes] = dry.body?.items[0].requests as { path: string; body: any }[];
    expect(company?.path).toBe('/crm/objects/2026-03/companies/batch/update');
    // One visit: the first two page views and the alert test's third, from the same visitor.
    expect(company?.body.inputs[0]).toMatchObject({ id: customerId, properties: { eirlead_org_id: leadId, eirlead_visits: '1', eirlead_pageviews: '3' } });
    expect(notes?.body.inputs).toHaveLength(1);
    expect(hubspot.server.received.length).toBe(before);
  });

  it('pushes the matched company once, notes each visit once, and waits out a 429 with Retry-After', async () => {
    const companiesBefore = hubspot.companies.size;
    hubspot.server.faults.push({ status: 429, headers: { 'Retry-After': '1' }, body: { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' } });
    const first = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(first.body?.items[0]).toMatchObject({ outcome: 'pushed', accountId: customerId, created: false, notes: { created: 1, skipped: 0 } });
    const updates = hubspot.server.requests('POST', '/crm/objects/2026-03/companies/batch/update');
    expect(updates).toHaveLength(2);
    expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_000);

    const second = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(second.body?.items[0]).toMatchObject({ outcome: 'pushed', accountId: customerId, notes: { created: 0, skipped: 1 } });
    expect(hubspot.companies.size).toBe(companiesBefore);
    expect(hubspot.notes.filter((note) => note.companyIds.includes(customerId))).toHaveLength(1);
    expect(hubspot.companies.get(customerId)?.properties).toMatchObject({ eirlead_org_id: leadId, eirlead_visits: '1', eirlead_pageviews: '3' });
  });

  it('creates the company by its Eirlead id once the lead is unlinked, and a second push finds it again', async () => {
    expect((await api('DELETE', `/v1/sites/${SITE}/leads/${leadId}/crm-link`)).status).toBe(204);
    // The customer's copy still carries this lead's id from the push above: unlinked by hand means not matched at all.
    expect((await api('GET', `/v1/sites/${SITE}/leads/${leadId}`)).body?.crm).toBeUndefined();
    const first = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(first.body?.items[0]).toMatchObject({ outcome: 'pushed', target: 'external-id' });
    const second = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(second.body?.items[0]).toMatchObject({ outcome: 'pushed', target: 'external-id', accountId: first.body?.items[0].accountId, created: false });
    expect([...hubspot.companies.values()].filter((company) => company.properties.eirlead_org_id === leadId)).toHaveLength(1);
  });

  it('sends the CRM no person, no IP address and no e-mail address, and never the token outside its header', () => {
    const bodies = hubspot.server.received.map((request) => `${request.path}?${request.query.toString()} ${request.body}`).join('\n');
    expect(bodies).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    expect(bodies).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    expect(bodies).not.toContain(VISITOR.ip.split('.').slice(0, 3).join('.'));
    expect(bodies).not.toContain(VISITOR.userAgent);
    expect(bodies).not.toContain('hs_contact');
    // The token appears only as the bearer header, and in the body of the token-info call HubSpot documents.
    const tokenInBodies = hubspot.server.received.filter((request) => request.body.includes(TOKEN) || request.query.toString().includes(TOKEN));
    expect(new Set(tokenInBodies.map((request) => request.path))).toEqual(new Set(['/oauth/v2/private-apps/get/access-token-info']));
    for (const note of hubspot.notes) expect(Object.keys(note.properties).sort()).toEqual(['hs_note_body', 'hs_timestamp']);
  });

  it('disconnects: everything of the connection leaves the table at once, and the receipt is in the audit trail', async () => {
    const receipt = await api('DELETE', `/v1/sites/${SITE}/crm/connections/${connectionId}`);
    // 202 when the copy takes longer than the request's budget to delete (a loaded machine): the rest follows.
    expect([200, 202]).toContain(receipt.status);
    expect(receipt.body).toMatchObject({ connectionId, provider: 'hubspot', tokenRevoked: 'not-supported', complete: receipt.status === 200 });
    const final = await until('the disconnect receipt in the audit trail', async () => {
      const { body } = await api('GET', `/v1/sites/${SITE}/audit?limit=100`);
      return (body?.items as { action: string; details?: Record<string, unknown> }[]).find((entry) => entry.action === 'crm.disconnect')?.details;
    });
    expect(final).toMatchObject({ accounts: 5_002, pushRecords: 1, manualLinks: 1 });

    expect(await crm.crmItems()).toEqual([]);
    expect((await api('GET', `/v1/sites/${SITE}/leads/${leadId}`)).body?.crm).toBeUndefined();

    // Without a connection: pushing and linking answer 409, the old connection 404.
    expect((await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] })).status).toBe(409);
    expect((await api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`)).status).toBe(404);

    const { body: audit } = await api('GET', `/v1/sites/${SITE}/audit`);
    const record = (audit?.items as { action: string; details?: Record<string, unknown> }[]).find((entry) => entry.action === 'crm.disconnect');
    expect(record?.details).toMatchObject({ provider: 'hubspot', accounts: 5_002, tokenRevoked: 'not-supported' });
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
  });
});
