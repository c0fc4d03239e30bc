import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { QueuedEvent } from '../../functions/contracts/queue-message';
import { DEFAULT_RETENTION } from '../../functions/contracts/deployment-config';
import { LocalKeyService } from '../../functions/adapters/kms/key-service';
import { leadIdFor } from '../../functions/domain/leads/model';
import { DataSubjectRequests } from '../../functions/leads-api/data-subject-requests';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { DailySaltStore } from '../../functions/adapters/dynamodb/daily-salt-store';
import { truncateIp } from '../../functions/domain/privacy/network';
import { utcDay } from '../../functions/domain/privacy/pseudonym';
import { visitorPseudonym } from '../../functions/domain/privacy/pseudonym';
import { keys, toEpochSeconds } from '../../functions/contracts/table';
import { createTestResources, type TestResources } from './support/local-aws';

let resources: TestResources;
let salts: DailySaltStore;
let store: LeadStore;
let requests: DataSubjectRequests;
const keyService = new LocalKeyService(randomBytes(32));

beforeAll(async () => {
  resources = await createTestResources('data-subject');
  salts = new DailySaltStore(resources.doc, resources.tableName, keyService, DEFAULT_RETENTION.saltHours);
  store = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION);
  requests = new DataSubjectRequests(resources.doc, resources.tableName, salts, DEFAULT_RETENTION);
});
afterAll(() => resources.destroy());

const JANE = { ip: '130.214.10.77', userAgent: 'Mozilla/5.0 (Jane) Firefox/140.0' };
const JOHN = { ip: '130.214.10.78', userAgent: 'Mozilla/5.0 (John) Firefox/140.0' };
/** Another SAP employee, in another /24 of SAP's /16. */
const MARY = { ip: '130.214.200.1', userAgent: 'Mozilla/5.0 (Mary) Firefox/140.0' };
const sap = (siteId: string) => ({
  siteId,
  leadId: leadIdFor(siteId, 'asn:35039'),
  organisation: { name: 'SAP SE', asn: 35039 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '130.214.0.0/16' },
  location: { country: 'DE' },
});
const pageview = (path: string, occurredAt: string): QueuedEvent => ({ id: randomUUID(), type: 'pageview', path, occurredAt });
/** The visitor's truncated network, as the ingest function queues it with each request. */
const networkOf = (visitor: { ip: string }): string => truncateIp(visitor.ip) ?? '';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** What the ingest and enrichment functions do for one page view of a visitor. */
async function visit(siteId: string, visitor: typeof JANE, path: string, at: Date, salt?: Uint8Array) {
  const daySalt = salt ?? (await salts.saltFor(at));
  await store.recordRequest(sap(siteId), visitorPseudonym(daySalt, visitor.ip, visitor.userAgent, siteId), [pageview(path, at.toISOString())], networkOf(visitor));
}

const window = (hours = 72) => ({ from: hoursAgo(hours).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

describe('data-subject requests against DynamoDB Local', () => {
  it('match the subject’s own /24, not the whole range the organisation was matched by', async () => {
    await visit('exact', JANE, '/pricing', hoursAgo(2));
    await visit('exact', MARY, '/careers', hoursAgo(1));

    const access = await requests.access('exact', { ip: MARY.ip, ...window() });
    expect(access.leads.flatMap((lead) => lead.visits.flatMap((v) => v.pages.map((p) => p.path)))).toEqual(['/careers']);

    const erasure = await requests.erase('exact', { ip: MARY.ip, ...window() });
    expect(erasure.erased).toMatchObject({ visits: 1, leadsUpdated: [sap('exact').leadId], leadsDeleted: [] });
    const lead = await store.getLead('exact', sap('exact').leadId);
    expect(lead?.visits.flatMap((v) => v.pages.map((p) => p.path))).toEqual(['/pricing']);
  });

  it('gives access to the subject’s own visits while the salt exists, and says what is never stored', async () => {
    await visit('access', JANE, '/pricing', hoursAgo(1));
    await visit('access', JOHN, '/careers', hoursAgo(1));

    const result = await requests.access('access', { ...JANE, ...window() });

    expect(result.matching).toEqual({ network: '130.214.10.0/24', narrowedByPseudonym: [utcDay(hoursAgo(1))] });
    expect(result.leads).toHaveLength(1);
    expect(result.leads[0]?.visits.flatMap((v) => v.pages.map((p) => p.path))).toEqual(['/pricing']);
    expect(result.notStored.map((entry) => entry.data)).toContain('full IP address');
    expect(JSON.stringify(result)).not.toContain(JANE.ip);
  });

  it('erases only the subject’s visits when the User-Agent and the salt allow it', async () => {
    await visit('narrow', JANE, '/pricing', hoursAgo(2));
    await visit('narrow', JOHN, '/careers', hoursAgo(1));

    const result = await requests.erase('narrow', { ...JANE, ...window() });

    expect(result.erased).toMatchObject({ visits: 1, pageviews: 1, leadsUpdated: [sap('narrow').leadId], leadsDeleted: [] });
    const lead = await store.getLead('narrow', sap('narrow').leadId);
    expect(lead).toMatchObject({ pageviews: 1, topPages: [{ path: '/careers', views: 1 }] });
    expect(lead?.visits).toHaveLength(1);
  });

  it('erases every visit of the organisation in the window when the subject cannot be told apart', async () => {
    await visit('broad', JANE, '/pricing', hoursAgo(2));
    await visit('broad', JOHN, '/careers', hoursAgo(1));

    const result = await requests.erase('broad', { ip: JANE.ip, ...window() });

    expect(result.erased).toMatchObject({ visits: 2, leadsDeleted: [sap('broad').leadId] });
    expect(await store.getLead('broad', sap('broad').leadId)).toBeUndefined();
    expect((await store.listLeads('broad', { limit: 50 })).items).toEqual([]);
  });

  it('erases visits stored in more parts than one transaction holds, with every part', async () => {
    const start = hoursAgo(2);
    const salt = await salts.saltFor(start);
    const requestsOf = (visitor: typeof JANE, count: number, path: (i: number) => string) =>
      Array.from({ length: count }, (_, i) => ({
        visitorId: visitorPseudonym(salt, visitor.ip, visitor.userAgent, 'many-parts'),
        network: networkOf(visitor),
        events: [pageview(path(i), new Date(start.getTime() + i * 1000).toISOString())],
      }));
    // 130 requests of Jane's one visit (a part each) and 5 of John's, in one batch: 135 visit items, more than 99.
    await store.recordRequests(sap('many-parts'), [...requestsOf(JANE, 130, (i) => `/p${i % 7}`), ...requestsOf(JOHN, 5, () => '/careers')]);

    const result = await requests.erase('many-parts', { ...JANE, ...window() });

    expect(result.erased).toMatchObject({ visits: 1, pageviews: 130, leadsUpdated: [sap('many-parts').leadId] });
    const lead = await store.getLead('many-parts', sap('many-parts').leadId);
    expect(lead).toMatchObject({ pageviews: 5, topPages: [{ path: '/careers', views: 5 }] });
    expect(lead?.visits.map((v) => v.pages.length)).toEqual([5]);
    const { Items = [] } = await resources.doc.send(new ScanCommand({ TableName: resources.tableName }));
    expect(Items.filter((item) => String(item.pk).includes(sap('many-parts').leadId) && String(item.sk).startsWith('VISIT#'))).toHaveLength(5);
  }, 30_000);

  it('leaves visits outside the window alone', async () => {
    await visit('window', JANE, '/old', hoursAgo(30));
    await visit('window', JANE, '/new', hoursAgo(1));

    const result = await requests.erase('window', { ip: JANE.ip, from: hoursAgo(5).toISOString(), to: new Date().toISOString() });

    expect(result.erased.visits).toBe(1);
    expect((await store.getLead('window', sap('window').leadId))?.topPages).toEqual([{ path: '/old', views: 1 }]);
  });

  it('can no longer link a visit to its address once that day’s salt has expired', async () => {
    const threeDaysAgo = hoursAgo(72);
    const day = utcDay(threeDaysAgo);
    const { plaintext, ciphertext } = await keyService.generateDataKey('eirlead-daily-salt');
    // The salt of that day, as the ingest function stored it; its 48 hours are over.
    await resources.doc.send(
      new PutCommand({ TableName: resources.tableName, Item: { ...keys.salt(day), encryptedSalt: ciphertext, expiresAt: toEpochSeconds(hoursAgo(1)) } }),
    );
    await visit('expired-salt', JANE, '/pricing', threeDaysAgo, plaintext);
    await visit('expired-salt', JOHN, '/careers', threeDaysAgo, plaintext);

    expect(await salts.existing(day)).toBeUndefined();
    const result = await requests.access('expired-salt', { ...JANE, ...window(96) });

    expect(result.matching.narrowedByPseudonym).toEqual([]);
    expect(result.leads[0]?.visits).toHaveLength(2);
  });

  it('finds nothing for an address outside every matched range', async () => {
    await visit('elsewhere', JANE, '/pricing', hoursAgo(1));
    const result = await requests.erase('elsewhere', { ip: '80.128.10.20', ...window() });
    expect(result.erased).toEqual({ visits: 0, pageviews: 0, leadsDeleted: [], leadsUpdated: [] });
  });

  it('stores no full address anywhere along the way', async () => {
    const { Items = [] } = await resources.doc.send(new ScanCommand({ TableName: resources.tableName }));
    const everything = JSON.stringify(Items);
    for (const ip of [JANE.ip, JOHN.ip]) expect(everything).not.toContain(ip);
  });
});
