/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { PipedriveFake } from '../../scripts/fakes/crm/pipedrive-fake';
import { type CrmRuntime, personalDataIn, SITE, startCrmRuntime, until } from './support/crm-runtime';

/**
 * Pipedrive end to end through the local runtime against its contract fake on 127.0.0.1: the token only ever in
 * the `x-api-token` header, fields found by name, organisations paged by cursor within the 2-second burst limit,
 * a customer (won deal) matched, pushes that update it or create one by the Eirlead ID field without twins or
 * repeated notes, and a disconnect that leaves nothing.
 */
jest.setTimeout(600_000);

let pipedrive: PipedriveFake;
let crm: CrmRuntime;

beforeAll(async () => {
  pipedrive = new PipedriveFake();
  const url = await pipedrive.start();
  // On AWS the address is https://{companyDomain}.pipedrive.com; the fake answers for every company domain.
  crm = await startCrmRuntime({ pipedrive: url });
});

afterAll(async () => {
  await crm?.stop();
  await pipedrive?.stop();
});

describe('Pipedrive, end to end through the local runtime', () => {
  let leadId: string;
  let connectionId: string;
  let customerId: number;
  const credentials = () => ({ companyDomain: 'customer', apiToken: pipedrive.token });

  it('refuses a wrong token and missing fields with a 400 naming which, and stores nothing', async () => {
    const lead = await crm.visitAndWait(['/pricing', '/integrations']);
    leadId = lead.leadId;
    for (let i = 0; i < 1_200; i++) pipedrive.addOrganization(`Organisation ${i} B.V.`);
    customerId = pipedrive.addOrganization(lead.organisation.name.replace(/ SE$/, ' S.E.'), {}, 2).id;
    pipedrive.deals.push({ id: 1, org_id: customerId, value: 5000, currency: 'EUR', status: 'open' });

    const wrong = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'pipedrive', credentials: { companyDomain: 'customer', apiToken: 'wrongwrongwrong0' } });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'CrmCredentialsRejected' } } });
    const noFields = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'pipedrive', credentials: credentials() });
    expect(noFields.status).toBe(400);
    expect(noFields.body?.error.code).toBe('CrmFieldMissing');
    expect(noFields.body?.error.issues.map((issue: { message: string }) => issue.message).join(' ')).toContain('Eirlead ID');
    expect((await crm.api('GET', `/v1/sites/${SITE}/crm/connections`)).body).toEqual({ items: [] });
  });

  it('connects and syncs every organisation, and the visiting organisation shows as a customer', async () => {
    pipedrive.createEirleadFields();
    const created = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, {
      provider: 'pipedrive',
      credentials: credentials(),
      settings: { fields: ['lastSeen', 'visits', 'visitNotes'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'pipedrive', account: { id: String(pipedrive.companyId), name: 'Customer Ltd' } });
    connectionId = String(created.body?.connectionId);
    const status = await until('the first sync', async () => {
      const { body } = await crm.api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`);
      if (body?.lastRun?.outcome === 'failed') throw new Error(JSON.stringify(body));
      return body?.lastRun?.outcome === 'succeeded' ? body : undefined;
    });
    expect(status).toMatchObject({ copy: { accounts: 1_201 }, lastRun: { read: { accounts: 1_201, openDeals: 1 } }, failures: [] });
    const { body: lead } = await crm.api('GET', `/v1/sites/${SITE}/leads/${leadId}`);
    expect(lead?.crm).toMatchObject({ provider: 'pipedrive', accountId: String(customerId), status: 'customer', matchedBy: 'name', url: `https://customer.pipedrive.com/organization/${customerId}` });
  });

  it('pushes the matched organisation and notes its visit once; unlinked, creates one by the Eirlead ID and finds it again', async () => {
    const first = await crm.api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(first.body?.items[0]).toMatchObject({ outcome: 'pushed', target: 'linked-account', accountId: String(customerId), notes: { created: 1 } });
    const again = await crm.api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(again.body?.items[0]).toMatchObject({ outcome: 'pushed', notes: { created: 0, skipped: 1 } });
    expect(pipedrive.notes.filter((note) => note.org_id === customerId)).toHaveLength(1);
    expect(pipedrive.organizations.get(customerId)?.custom_fields[pipedrive.keyOf('Eirlead ID')]).toBe(leadId);

    // Unlinked by hand: the push no longer targets the customer's record, but its Eirlead ID field still names the
    // lead, so the search by that field finds it rather than creating a twin.
    expect((await crm.api('DELETE', `/v1/sites/${SITE}/leads/${leadId}/crm-link`)).status).toBe(204);
    const count = pipedrive.organizations.size;
    const byId = await crm.api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [leadId] });
    expect(byId.body?.items[0]).toMatchObject({ outcome: 'pushed', target: 'external-id', accountId: String(customerId), created: false });
    expect(pipedrive.organizations.size).toBe(count);
  });

  it('pushes by rule: after a new visit, the next sync notes it without being asked', async () => {
    const settings = await crm.api('POST', `/v1/sites/${SITE}/crm/connections/${connectionId}/settings`, {
      fields: ['lastSeen', 'visits', 'visitNotes'],
      autoPush: { minVisits: 1, statuses: ['none', 'customer'] },
    });
    expect(settings).toMatchObject({ status: 200, body: { settings: { autoPush: { minVisits: 1 } } } });
    const notes = pipedrive.notes.length;
    // A second visit (another visitor of the same organisation, so a new visit rather than more of the first).
    await crm.visitAndWait(['/pricing', '/contact'], 'Mozilla/5.0 (Macintosh) Safari/605.1.15');
    await until('the second visit', async () => ((await crm.api('GET', `/v1/sites/${SITE}/leads/${leadId}`)).body?.visits?.length === 2 ? true : undefined));
    expect((await crm.api('POST', `/v1/sites/${SITE}/crm/connections/${connectionId}/sync`)).status).toBe(202);
    const status = await until('the rule-driven push', async () => {
      const { body } = await crm.api('GET', `/v1/sites/${SITE}/crm/connections/${connectionId}/status`);
      return body?.lastRun?.outcome === 'succeeded' && body.lastRun.mode === 'incremental' ? body : undefined;
    });
    expect(status.lastRun.written.pushed).toBe(1);
    expect(pipedrive.notes.length).toBe(notes + 1);
    expect(pipedrive.notes.filter((note) => note.org_id === customerId)).toHaveLength(2);
  });

  it('sends the token only in its header, and no personal data', () => {
    for (const request of pipedrive.server.received) {
      expect(request.query.toString()).not.toContain(pipedrive.token);
      expect(request.query.has('api_token')).toBe(false);
      expect(request.body).not.toContain(pipedrive.token);
    }
    const sent = pipedrive.server.received.map((request) => `${request.path}?${request.query.toString()} ${request.body}`).join('\n');
    expect(personalDataIn(sent)).toEqual([]);
  });

  it('disconnects: nothing of the connection is left in the table', async () => {
    const { status, receipt, final } = await crm.disconnect(connectionId);
    expect([200, 202]).toContain(status);
    expect(receipt).toMatchObject({ provider: 'pipedrive', tokenRevoked: 'not-supported', complete: status === 200 });
    expect(final).toMatchObject({ accounts: 1_201 });
    expect(await crm.crmItems()).toEqual([]);
  });

  it('connects with an OAuth access token too, sent as a bearer and never in a URL', async () => {
    const accessToken = 'v1u:AQIBAHj-oauth-access-token-for-eirlead-tests';
    pipedrive.oauthTokens.add(accessToken);
    const created = await crm.api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'pipedrive', credentials: { companyDomain: 'customer', accessToken } });
    expect(created).toMatchObject({ status: 201, body: { provider: 'pipedrive', credentials: { lastFour: '…ests' } } });
    const bearerRequests = pipedrive.server.received.filter((request) => request.headers.authorization === `Bearer ${accessToken}`);
    expect(bearerRequests.length).toBeGreaterThan(0);
    expect(pipedrive.server.received.some((request) => request.query.toString().includes(accessToken) || request.body.includes(accessToken))).toBe(false);
    const id = String(created.body?.connectionId);
    await until('its first sync', async () => ((await crm.api('GET', `/v1/sites/${SITE}/crm/connections/${id}/status`)).body?.lastRun?.outcome === 'succeeded' ? true : undefined));
    expect([200, 202]).toContain((await crm.disconnect(id)).status);
    expect(await crm.crmItems()).toEqual([]);
  });
});
