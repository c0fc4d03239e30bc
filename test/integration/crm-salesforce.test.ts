/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { SalesforceFake } from '../../scripts/fakes/crm/salesforce-fake';
import { type CrmRuntime, personalDataIn, SITE, startCrmRuntime, until } from './support/crm-runtime';

/**
 * Salesforce end to end through the local runtime against its contract fake on 127.0.0.1: the client-credentials
 * token of an External Client App, the Account describe (External ID field), SOQL pages of 2,000 with
 * `nextRecordsUrl`, open opportunities, sObject Collections (update by Id, upsert by `Eirlead_Org_Id__c`),
 * visits as completed Tasks (never a person: no WhoId), the allocation from `Sforce-Limit-Info`, and a disconnect
 * that revokes the token and leaves nothing.
 */
jest.setTimeout(600_000);

let salesforce: SalesforceFake;
let crm: CrmRuntime;
let instanceUrl: string;

beforeAll(async () => {
  salesforce = new SalesforceFake();
  instanceUrl = await salesforce.start();
  // On AWS an instance URL must end in .my.salesforce.com; here the fake's host is the only one allowed.
  crm = await startCrmRuntime({ salesforceHostSuffix: '127.0.0.1' });
});

afterAll(async () => {
  await crm?.stop();
  await salesforce?.stop();
});

describe('Salesforce, end to end through the local runtime', () => {
  let leadId: string;
  let connectionId: string;
  let customerId: string;
  const credentials = () => ({ instanceUrl, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret });

  it('refuses a wrong secret, an instance URL off My Domain and a missing External ID field, storing nothing', async () => {
    const lead = await crm.visitAndWait(['/pricing']);
    leadId = lead.leadId;
    // Past one SOQL page of 2,000, so the sync follows `nextRecordsUrl`.
    for (let i = 0; i < 2_100; i++) salesforce.addAccount({ Name: `Account ${i} GmbH`, Website: `https://www.account${i}.example` });
    customerId = salesforce.addAccount({ Name: lead.organisation.name, Type: 'Customer - Direct' }).Id;
    salesforce.opportunities.push({ AccountId: customerId, Amount: 25_000, IsClosed: false }, { AccountId: customerId, Amount: 1, IsClosed: true });

    const wrong = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'salesforce', credentials: { ...credentials(), clientSecret: 'not-the-secret-0000' } });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'CrmCredentialsRejected' } } });
    const elsewhere = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'salesforce', credentials: { ...credentials(), instanceUrl: 'https://evil.example.com' } });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: { code: 'CrmCredentialsRejected', issues: [{ path: 'credentials.instanceUrl' }] } } });
    const noField = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'salesforce', credentials: credentials() });
    expect(noField).toMatchObject({ status: 400, body: { error: { code: 'CrmFieldMissing' } } });
    expect(JSON.stringify(noField.body)).toContain('Eirlead_Org_Id__c');
    expect((await crm.api('GET', `/v1/sites/${SITE}/crm/connections`)).body).toEqual({ items: [] });
  });

  it('connects and syncs every account in pages of 2,000; the visiting organisation shows as a customer with its owner', async () => {
    salesforce.createEirleadFields();
    const created = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'salesforce', credentials: credentials(), settings: { fields: ['lastSeen', 'visits', 'visitNotes'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'salesforce', account: { id: '00D5g000004XyzAEAS' } });
    expect(JSON.stringify(created.body)).not.toContain(salesforce.clientSecret);
    connectionId = String(created.body?.connectionId);
    const status = await until('the first sync', async () => {
      const { body } = await crm.api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`);
      if (body?.lastRun?.outcome === 'failed') throw new Error(JSON.stringify(body));
      return body?.lastRun?.outcome === 'succeeded' ? body : undefined;
    });
    expect(status).toMatchObject({ copy: { accounts: 2_101 }, lastRun: { read: { accounts: 2_101, openDeals: 1 } }, usage: { limit: 100_000, window: 'day' } });
    const { body: lead } = await crm.api('GET', `/v1/sites/${SITE}/leads/${leadId}`);
    expect(lead?.crm).toMatchObject({ provider: 'salesforce', accountId: customerId, status: 'customer', owner: { id: '005000000000001AAA', name: 'Ada Owner' }, matchedBy: 'name' });
  });

  it('pushes the account once and each visit as one completed Task, with no person attached', async () => {
    const first = await crm.api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(first.body?.items[0]).toMatchObject({ outcome: 'pushed', accountId: customerId, notes: { created: 1 } });
    const second = await crm.api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(second.body?.items[0]).toMatchObject({ outcome: 'pushed', notes: { created: 0, skipped: 1 } });
    expect(salesforce.tasks).toHaveLength(1);
    expect(salesforce.tasks[0]).toMatchObject({ WhatId: customerId, Status: 'Completed', Subject: 'Website visit (Eirlead)' });
    expect(salesforce.tasks[0]).not.toHaveProperty('WhoId');
    expect(salesforce.accounts.get(customerId)).toMatchObject({ Eirlead_Org_Id__c: leadId, Eirlead_Visits__c: 1 });
    const sent = salesforce.server.received.map((request) => `${request.path}?${request.query.toString()} ${request.body}`).join('\n');
    expect(personalDataIn(sent.replace(/client_secret=[^&\s]+/, ''))).toEqual([]);
  });

  it('disconnects: revokes the token, and nothing of the connection is left in the table', async () => {
    const { status, receipt, final } = await crm.disconnect(connectionId);
    // 202 when the copy takes longer than the request's budget to delete (a loaded machine); the rest follows.
    expect([200, 202]).toContain(status);
    expect(receipt).toMatchObject({ provider: 'salesforce', tokenRevoked: 'revoked', complete: status === 200 });
    expect(final).toMatchObject({ provider: 'salesforce', tokenRevoked: 'revoked', accounts: 2_101 });
    expect(salesforce.revoked).toHaveLength(1);
    expect(await crm.crmItems()).toEqual([]);
  });
});
