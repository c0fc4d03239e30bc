import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { QueuedEvent } from '../../functions/contracts/queue-message';
import { DEFAULT_RETENTION } from '../../functions/contracts/deployment-config';
import { keys } from '../../functions/contracts/table';
import { leadIdFor } from '../../functions/domain/leads/model';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { FORMAT_1_OPEN, FORMAT_1_VISIT_ID } from '../fixtures/open-visits-format-1';
import { createTestResources, type TestResources } from './support/local-aws';

/** The visitor's truncated network, as the ingest function queues it. */
const NETWORK = '193.16.4.0/24';

let resources: TestResources;
let store: LeadStore;

beforeAll(async () => {
  resources = await createTestResources('lead-store');
  store = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION);
});
afterAll(() => resources.destroy());

const organisation = (siteId: string, asn: number, country = 'DE') => ({
  siteId,
  leadId: leadIdFor(siteId, `asn:${asn}`),
  organisation: { name: `Org ${asn}`, asn },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country },
});
const visitor = () => randomUUID().replace(/-/g, '').padEnd(64, '0');
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const pageview = (path: string, occurredAt = minutesAgo(1)): QueuedEvent => ({
  id: randomUUID(),
  type: 'pageview',
  path,
  occurredAt,
});

describe('LeadStore against DynamoDB Local', () => {
  it('turns a request into a lead with a visit, readable in the list and in detail', async () => {
    const org = organisation('site-a', 1);
    await store.recordRequest(org, visitor(), [pageview('/pricing'), pageview('/contact')], NETWORK);

    const list = await store.listLeads('site-a', { limit: 50 });
    const lead = await store.getLead('site-a', org.leadId);

    expect(list.items).toEqual([expect.objectContaining({ leadId: org.leadId, visits: 1, pageviews: 2 })]);
    expect(lead?.visits).toEqual([expect.objectContaining({ pages: [expect.objectContaining({ path: '/pricing' }), expect.objectContaining({ path: '/contact' })] })]);
  });

  it('stores the lead without what its keys hold, its changes and open visits packed, and reads it back whole', async () => {
    const org = { ...organisation('site-p', 31), match: { ...organisation('site-p', 31).match, class: 'business' as const } };
    const id = visitor();
    await store.recordRequest(org, id, [pageview('/pricing', minutesAgo(3))], NETWORK);
    await store.recordRequest(org, id, [pageview('/contact', minutesAgo(2))], NETWORK);

    const { Item: item } = await resources.doc.send(new GetCommand({ TableName: resources.tableName, Key: keys.lead('site-p', org.leadId) }));
    expect(Object.keys(item ?? {}).sort()).toEqual(
      ['changes', 'engagedMs', 'expiresAt', 'firstSeenAt', 'gsi1pk', 'gsi1sk', 'location', 'match', 'open', 'organisation', 'pageCounts', 'pageviews', 'pk', 'sk', 'version', 'visits'].sort(),
    );
    const lead = await store.liveLead('site-p', org.leadId);
    expect(lead).toMatchObject({ siteId: 'site-p', leadId: org.leadId, pageviews: 2, organisationClass: 'business', lastPaths: ['/contact'] });
    expect((await store.listLeads('site-p', { limit: 5 })).items).toEqual([expect.objectContaining({ leadId: org.leadId, pageviews: 1 })]);
  });

  it('reads a lead stored by the previous version, recognises its redelivered event, and stores it in today\'s form', async () => {
    const at = (time: string) => `2026-12-05T${time}.000Z`;
    const clock = () => new Date(at('07:00:00'));
    const upgraded = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION, clock);
    const org = { ...organisation('site-u', 41), match: { ...organisation('site-u', 41).match, class: 'business' as const } };
    const listedAt = at('06:30:00');
    // As 352f2e7 wrote it: ids and listed time beside the keys, changes and paths as a map and a list, the class on its
    // own, open visits in format 1 (visitor 0123456789abcdef: events e-0, e-1, e-2).
    await resources.doc.send(
      new PutCommand({
        TableName: resources.tableName,
        Item: {
          ...keys.lead('site-u', org.leadId),
          ...keys.leadIndex('site-u', listedAt, org.leadId),
          siteId: 'site-u',
          leadId: org.leadId,
          organisation: org.organisation,
          match: org.match,
          location: org.location,
          organisationClass: 'business',
          firstSeenAt: listedAt,
          lastSeenAt: listedAt,
          visits: 1,
          pageviews: 1,
          engagedMs: 0,
          pageCounts: { '/pricing': 1 },
          recent: { lastSeenAt: at('06:40:49'), pageviews: 2, pageCounts: { '/': 1 } },
          lastPaths: ['/'],
          open: FORMAT_1_OPEN,
          version: 5,
          expiresAt: Math.floor(clock().getTime() / 1000) + 86_400,
        },
      }),
    );
    const visitorId = '0123456789abcdef'.padEnd(64, '0');
    const event = (id: string, path: string): QueuedEvent => ({ id, type: 'pageview', path, occurredAt: at('06:50:00') });

    const outcome = await upgraded.recordRequest(org, visitorId, [event('e-1', '/pricing'), event('e-3', '/contact')], NETWORK);

    expect(outcome).toEqual({ status: 'recorded', applied: 1, duplicates: 1 });
    const { Item: item } = await resources.doc.send(new GetCommand({ TableName: resources.tableName, Key: keys.lead('site-u', org.leadId) }));
    expect(item).not.toHaveProperty('leadId');
    expect(item).not.toHaveProperty('recent');
    expect(item?.open?.[0]).toBe(2);
    expect(await upgraded.liveLead('site-u', org.leadId)).toMatchObject({ leadId: org.leadId, pageviews: 3, pageCounts: { '/pricing': 1, '/': 1, '/contact': 1 }, lastPaths: ['/contact'] });
    const detail = await upgraded.getLead('site-u', org.leadId);
    expect(detail?.visits.map((visit) => visit.visitId)).toEqual([FORMAT_1_VISIT_ID]);
  });

  it('changes nothing when the same message is delivered again', async () => {
    const org = organisation('site-b', 2);
    const events = [pageview('/a'), pageview('/b')];
    const id = visitor();

    const first = await store.recordRequest(org, id, events, NETWORK);
    const again = await store.recordRequest(org, id, events, NETWORK);

    expect(first).toEqual({ status: 'recorded', applied: 2, duplicates: 0 });
    expect(again).toEqual({ status: 'duplicate' });
    expect(await store.getLead('site-b', org.leadId)).toMatchObject({ pageviews: 2 });
  });

  it('applies only the new events of a partly repeated request', async () => {
    const org = organisation('site-c', 3);
    const [a, b, c] = [pageview('/a'), pageview('/b'), pageview('/c')] as [QueuedEvent, QueuedEvent, QueuedEvent];
    const id = visitor();
    await store.recordRequest(org, id, [a, b], NETWORK);

    const outcome = await store.recordRequest(org, id, [b, c], NETWORK);

    expect(outcome).toEqual({ status: 'recorded', applied: 1, duplicates: 1 });
    expect(await store.getLead('site-c', org.leadId)).toMatchObject({ pageviews: 3 });
  });

  it('writes the requests of one lead in a batch together, skipping the batch\'s own duplicates', async () => {
    const org = organisation('site-i', 7);
    const [alice, bob] = [visitor(), visitor()];
    const repeated = pageview('/pricing');
    const outcome = await store.recordRequests(org, [
      { visitorId: alice, network: NETWORK, events: [repeated, pageview('/contact')] },
      { visitorId: bob, network: NETWORK, events: [pageview('/')] },
      { visitorId: alice, network: NETWORK, events: [repeated] },
    ]);

    expect(outcome).toEqual({ status: 'recorded', applied: 3, duplicates: 1 });
    const lead = await store.getLead('site-i', org.leadId);
    expect(lead).toMatchObject({ visits: expect.any(Array), pageviews: 3 });
    expect(lead?.visits.map((visit) => visit.pages.map((page) => page.path)).sort()).toEqual([['/'], ['/pricing', '/contact']]);
  });

  /** Runs `body` while `intercept` sees every command the test table's client sends, before it is sent. */
  async function intercepting<T>(intercept: (input: Record<string, unknown>) => Promise<void> | void, body: () => Promise<T>): Promise<T> {
    resources.doc.middlewareStack.add(
      (next) => async (args) => {
        await intercept(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'intercept' },
    );
    try {
      return await body();
    } finally {
      resources.doc.middlewareStack.remove('intercept');
    }
  }

  it('applies a request once when its lead write was lost and the message is delivered again', async () => {
    const org = organisation('site-j', 8);
    const id = visitor();
    await store.recordRequest(org, id, [pageview('/first')], NETWORK);
    const events = [pageview('/second'), pageview('/third')];
    let failLeadWrite = true;
    await intercepting(
      (input) => {
        if (failLeadWrite && (input.Item as { sk?: string } | undefined)?.sk === 'LEAD') {
          failLeadWrite = false;
          throw new Error('injected: lead write lost');
        }
      },
      async () => {
        await expect(store.recordRequest(org, id, events, NETWORK)).rejects.toThrow('injected');
        expect(await store.recordRequest(org, id, events, NETWORK)).toEqual({ status: 'recorded', applied: 2, duplicates: 0 });
        expect(await store.recordRequest(org, id, events, NETWORK)).toEqual({ status: 'duplicate' });
      },
    );

    const lead = await store.getLead('site-j', org.leadId);
    expect(lead).toMatchObject({ pageviews: 3 });
    expect(lead?.visits.map((visit) => visit.pages.map((page) => page.path))).toEqual([['/first', '/second', '/third']]);
  });

  it('completes a delivery that committed the lead and failed before writing its visit parts', async () => {
    const org = organisation('site-k', 9);
    const id = visitor();
    const events = [pageview('/a', minutesAgo(3)), pageview('/b', minutesAgo(2))];
    let failParts = true;
    await intercepting(
      (input) => {
        if (failParts && 'RequestItems' in input) {
          failParts = false;
          throw new Error('injected: timed out after the commit');
        }
      },
      async () => {
        await expect(store.recordRequest(org, id, events, NETWORK)).rejects.toThrow('injected');
        expect((await store.getLead('site-k', org.leadId))?.visits).toEqual([]);
        expect(await store.recordRequest(org, id, events, NETWORK)).toEqual({ status: 'duplicate' });
      },
    );

    const lead = await store.getLead('site-k', org.leadId);
    expect(lead).toMatchObject({ pageviews: 2 });
    expect(lead?.visits.map((visit) => visit.pages.map((page) => page.path))).toEqual([['/a', '/b']]);
  });

  it('leaves nothing behind when a writer loses the version race to another request of the same visit', async () => {
    const org = organisation('site-l', 10);
    const id = visitor();
    const early = [pageview('/demo', minutesAgo(3)), pageview('/demo/pricing', minutesAgo(2))];
    const late = [pageview('/demo/contact', minutesAgo(1))];
    // The first writer has read the (missing) lead; the second one records the later page first and starts the
    // visit. The first then loses the race, re-reads and joins that visit.
    let interleaved = false;
    await intercepting(
      async (input) => {
        if (!interleaved && (input.Item as { sk?: string } | undefined)?.sk === 'LEAD') {
          interleaved = true;
          await store.recordRequest(org, id, late, NETWORK);
        }
      },
      () => store.recordRequest(org, id, early, NETWORK),
    );

    const lead = await store.getLead('site-l', org.leadId);
    expect(lead).toMatchObject({ pageviews: 3 });
    expect(lead?.visits.map((visit) => visit.pages.map((page) => page.path))).toEqual([['/demo', '/demo/pricing', '/demo/contact']]);
  });

  it('counts every concurrent writer exactly once', async () => {
    const org = organisation('site-d', 4);
    await Promise.all(Array.from({ length: 5 }, () => store.recordRequest(org, visitor(), [pageview('/')], NETWORK)));

    const lead = await store.getLead('site-d', org.leadId);
    expect(lead?.pageviews).toBe(5);
    expect(lead?.visits).toHaveLength(5);
  });

  it('pages through leads newest first from where the last page ended, never repeating one', async () => {
    for (let i = 0; i < 7; i++) await store.recordRequest(organisation('site-e', 100 + i), visitor(), [pageview('/', minutesAgo(60 - i))], NETWORK);

    const seen: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await store.listLeads('site-e', { limit: 3, startKey });
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((lead) => lead.organisation.name));
      startKey = page.lastKey;
    } while (startKey);

    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(['Org 106', 'Org 105', 'Org 104', 'Org 103', 'Org 102', 'Org 101', 'Org 100']);
  });

  it('lists a lead as its entry was last written, refreshed once its events are 10 minutes past it; the lead itself is exact', async () => {
    const org = organisation('site-list', 9);
    const [first, second, third] = [minutesAgo(30), minutesAgo(25), minutesAgo(20)];
    await store.recordRequest(org, visitor(), [pageview('/', first)], NETWORK);
    await store.recordRequest(org, visitor(), [pageview('/pricing', second)], NETWORK);
    const listedBefore = (await store.listLeads('site-list', { limit: 1 })).items[0];
    const leadBefore = await store.getLead('site-list', org.leadId);
    await store.recordRequest(org, visitor(), [pageview('/demo', third)], NETWORK);
    const listedAfter = (await store.listLeads('site-list', { limit: 1 })).items[0];

    expect(listedBefore).toMatchObject({ pageviews: 1, lastSeenAt: first, topPages: [{ path: '/', views: 1 }] });
    expect(leadBefore).toMatchObject({ pageviews: 2, lastSeenAt: second, topPages: [{ path: '/', views: 1 }, { path: '/pricing', views: 1 }] });
    expect(listedAfter).toMatchObject({ pageviews: 3, lastSeenAt: third });
  });

  it('filters by time window and country', async () => {
    await store.recordRequest(organisation('site-f', 200, 'DE'), visitor(), [pageview('/', minutesAgo(120))], NETWORK);
    await store.recordRequest(organisation('site-f', 201, 'FR'), visitor(), [pageview('/', minutesAgo(10))], NETWORK);

    const recent = await store.listLeads('site-f', { limit: 50, since: minutesAgo(60) });
    const older = await store.listLeads('site-f', { limit: 50, until: minutesAgo(60) });
    const french = await store.listLeads('site-f', { limit: 50, country: 'FR' });

    expect(recent.items.map((lead) => lead.organisation.asn)).toEqual([201]);
    expect(older.items.map((lead) => lead.organisation.asn)).toEqual([200]);
    expect(french.items.map((lead) => lead.organisation.asn)).toEqual([201]);
  });

  it('never returns expired leads or visits, although TTL has not removed them yet', async () => {
    const org = organisation('site-g', 5);
    await store.recordRequest(org, visitor(), [pageview('/')], NETWORK);
    const thirteenMonthsLater = new Date(Date.now() + 400 * 86_400_000);
    const later = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION, () => thirteenMonthsLater);

    expect((await later.listLeads('site-g', { limit: 50 })).items).toEqual([]);
    expect(await later.getLead('site-g', org.leadId)).toBeUndefined();
    const items = await resources.doc.send(new ScanCommand({ TableName: resources.tableName }));
    expect(items.Items?.some((item) => item.pk === `SITE#site-g#LEAD#${org.leadId}`)).toBe(true);
  });

  it('deletes a lead with all its visits', async () => {
    const org = organisation('site-h', 6);
    await store.recordRequest(org, visitor(), [pageview('/a')], NETWORK);
    await store.recordRequest(org, visitor(), [pageview('/b')], NETWORK);

    expect(await store.deleteLead('site-h', org.leadId)).toBe(true);

    expect(await store.getLead('site-h', org.leadId)).toBeUndefined();
    expect((await store.listLeads('site-h', { limit: 50 })).items).toEqual([]);
    const left = await resources.doc.send(
      new QueryCommand({ TableName: resources.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SITE#site-h#LEAD#${org.leadId}` } }),
    );
    expect(left.Items).toEqual([]);
    expect(await store.deleteLead('site-h', org.leadId)).toBe(false);
  });

  it('gives every stored item an expiry', async () => {
    const { Items = [] } = await resources.doc.send(new ScanCommand({ TableName: resources.tableName }));
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) expect(typeof item.expiresAt).toBe('number');
  });
});
