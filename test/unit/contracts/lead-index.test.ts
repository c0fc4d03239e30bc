import { randomUUID } from 'node:crypto';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ApiKeyStore } from '../../../functions/adapters/dynamodb/api-key-store';
import { generateApiKey } from '../../../functions/domain/api-keys';
import type { QueuedEvent } from '../../../functions/contracts/queue-message';
import { DEFAULT_RETENTION } from '../../../functions/contracts/deployment-config';
import { applyEvents } from '../../../functions/domain/leads/apply-requests';
import { leadItemFor } from '../../../functions/domain/leads/listing';
import { leadIdFor, type StoredLead } from '../../../functions/domain/leads/model';
import { toLead } from '../../../functions/domain/leads/views';
import { DataSubjectRequests } from '../../../functions/leads-api/data-subject-requests';
import { leadItemFrom, storedLeadItem } from '../../../functions/adapters/dynamodb/lead-item';
import { LeadStore } from '../../../functions/adapters/dynamodb/lead-store';
import { keys, LEAD_INDEX_ATTRIBUTES, LEADS_BY_LAST_SEEN_INDEX } from '../../../functions/contracts/table';

/** The visitor's truncated network, as the ingest function queues it. */
const NETWORK = '130.214.10.0/24';

/**
 * The index projects only LEAD_INDEX_ATTRIBUTES. These tests fail when a reader of the index (the leads list, the
 * API keys, data-subject requests) reads or filters on an attribute the index does not hold: DynamoDB would answer
 * without it rather than fail.
 */

const doc = mockClient(DynamoDBDocumentClient);
afterEach(() => doc.reset());

type Item = Record<string, unknown>;

/** Table and index keys come with every index entry, whatever the projection. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
const PROJECTED = new Set([...KEY_ATTRIBUTES, ...LEAD_INDEX_ATTRIBUTES]);

/** The index entry DynamoDB keeps for an item. */
const projected = (item: Item): Item => Object.fromEntries(Object.entries(item).filter(([name]) => PROJECTED.has(name)));

const RESERVED = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);

/** Top-level attributes a Query's key condition, filter and projection expressions name. */
function attributesNamed(input: QueryCommandInput): string[] {
  const expressions = [input.KeyConditionExpression, input.FilterExpression, input.ProjectionExpression].filter(Boolean).join(' ');
  // The first element of each path (not after `.`, `:` or `#`), not a function (followed by `(`) nor a keyword.
  const firstElements = [...expressions.matchAll(/(?<![\w:#.])(#?[A-Za-z_]\w*)\b(?!\s*\()/g)].map((match) => match[1] ?? '');
  return firstElements
    .filter((name) => !RESERVED.has(name.toUpperCase()))
    .map((name) => (name.startsWith('#') ? (input.ExpressionAttributeNames?.[name] ?? name) : name));
}

const indexQueries = (): QueryCommandInput[] =>
  doc
    .commandCalls(QueryCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.IndexName === LEADS_BY_LAST_SEEN_INDEX);

/** Asserts that at least one index query ran and that every one of them names only projected attributes. */
function expectIndexQueriesUseProjectedAttributes(): void {
  const queries = indexQueries();
  expect(queries.length).toBeGreaterThan(0);
  for (const input of queries) {
    const missing = attributesNamed(input).filter((name) => !PROJECTED.has(name));
    expect(missing).toEqual([]);
  }
}

const NOW = new Date();
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:35039'),
  organisation: { name: 'SAP SE', asn: 35039, domain: 'sap.com' },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '130.214.0.0/16' },
  location: { country: 'DE', city: 'Walldorf' },
};
const pageview = (path: string, occurredAt: string): QueuedEvent => ({ id: randomUUID(), type: 'pageview', path, occurredAt });

/** A lead as stored after three visitors' page views, all visits still open: `open` holds all three. */
function aStoredLead(): Item {
  let lead: StoredLead | undefined;
  for (const [visitor, paths] of [['a', ['/', '/pricing', '/docs']], ['b', ['/careers']], ['c', ['/pricing', '/contact']]] as const) {
    const events = paths.map((path, index) => pageview(path, minutesAgo(10 - index)));
    lead = applyEvents(lead, identified, { visitorId: visitor.repeat(64), network: NETWORK }, events, DEFAULT_RETENTION).lead;
  }
  if (!lead) throw new Error('no lead');
  return storedLeadItem(leadItemFor(lead, undefined).item) as Item;
}

describe('the index projection', () => {
  it('holds neither the visitor pseudonyms of open visits nor the lead version', () => {
    expect(LEAD_INDEX_ATTRIBUTES).not.toContain('open');
    expect(LEAD_INDEX_ATTRIBUTES).not.toContain('activeVisits');
    expect(LEAD_INDEX_ATTRIBUTES).not.toContain('version');
    expect(JSON.stringify(projected(aStoredLead()))).not.toContain('a'.repeat(64));
  });

  it('holds every attribute toLead reads, so the public lead from an index entry equals the one from the item', () => {
    const item = aStoredLead();
    const read = new Set<string>();
    // The site, the lead and the listed last-seen time are read from the keys (lead-item.ts).
    const tracked = new Proxy(leadItemFrom(item), {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return Reflect.get(target, name);
      },
    });

    const fromItem = toLead(tracked);

    expect([...read].filter((name) => !PROJECTED.has(name))).toEqual([]);
    expect(toLead(leadItemFrom(projected(item)))).toEqual(fromItem);
    expect(fromItem.leadId).toBe(identified.leadId);
  });
});

describe('readers of the index', () => {
  it('listLeads filters on projected attributes only and lists the same lead from an index entry', async () => {
    const item = aStoredLead();
    const store = new LeadStore(doc as unknown as DynamoDBDocumentClient, 'eirlead', DEFAULT_RETENTION, () => NOW);
    const query = { limit: 10, country: 'DE', since: minutesAgo(60), until: NOW.toISOString() };

    doc.on(QueryCommand).resolves({ Items: [projected(item)] });
    const fromIndex = await store.listLeads('demo', query);

    expectIndexQueriesUseProjectedAttributes();
    expect(fromIndex.items).toEqual([toLead(leadItemFrom(item))]);
  });

  it('listLeads with every filter (class, confidence, minimum visits and page views, a path) still names projected attributes only', async () => {
    const item = aStoredLead();
    const store = new LeadStore(doc as unknown as DynamoDBDocumentClient, 'eirlead', DEFAULT_RETENTION, () => NOW);
    const query = { limit: 10, class: 'business' as const, confidence: 'high' as const, minVisits: 2, minPageviews: 3, path: '/pricing' };

    doc.on(QueryCommand).resolves({ Items: [projected(item)] });
    await store.listLeads('demo', query);

    expectIndexQueriesUseProjectedAttributes();
    const input = indexQueries()[0];
    expect(input?.FilterExpression).toContain('attribute_exists(#pageCounts.#path)');
    expect(input?.ExpressionAttributeNames?.['#path']).toBe('/pricing');
  });

  it('ApiKeyStore.list reads only projected attributes', async () => {
    doc.on(PutCommand).resolves({});
    const store = new ApiKeyStore(doc as unknown as DynamoDBDocumentClient, 'eirlead');
    await store.create(generateApiKey(), { sites: ['demo', 'other'], scopes: ['leads:read', 'audit:read'] }, 30, NOW);
    const stored = { ...(doc.commandCalls(PutCommand)[0]?.args[0].input.Item as Item), revoked: true };

    doc.on(QueryCommand).resolves({ Items: [stored] });
    const fromItem = await store.list(NOW);
    doc.on(QueryCommand).resolves({ Items: [projected(stored)] });
    const fromIndex = await store.list(NOW);

    expectIndexQueriesUseProjectedAttributes();
    expect(fromItem).toHaveLength(1);
    expect(fromIndex).toEqual(fromItem);
  });

  it('ApiKeyStore.revoke finds the key by projected attributes and updates the table item', async () => {
    doc.on(PutCommand).resolves({});
    doc.on(UpdateCommand).resolves({});
    const store = new ApiKeyStore(doc as unknown as DynamoDBDocumentClient, 'eirlead');
    const { keyId } = await store.create(generateApiKey(), { sites: ['demo'], scopes: ['leads:read'] }, 30, NOW);
    const stored = doc.commandCalls(PutCommand)[0]?.args[0].input.Item as Item;
    doc.on(QueryCommand).resolves({ Items: [projected(stored)] });

    expect(await store.revoke(keyId)).toBe(true);

    expectIndexQueriesUseProjectedAttributes();
    expect(doc.commandCalls(UpdateCommand)[0]?.args[0].input.Key).toEqual({ pk: stored.pk, sk: stored.sk });
  });

  describe('data-subject requests', () => {
    const salts = { existing: async () => undefined };
    const requests = () => new DataSubjectRequests(doc as unknown as DynamoDBDocumentClient, 'eirlead', salts, DEFAULT_RETENTION, () => NOW);
    const subject = { ip: '130.214.10.77', from: minutesAgo(60), to: NOW.toISOString() };
    const visitItem = (lead: Item) => ({
      ...keys.visitPart('demo', String(lead.leadId), 'v1', 'e1'),
      visitorId: 'a'.repeat(64),
      network: NETWORK,
      location: identified.location,
      pages: { e1: { path: '/pricing', at: minutesAgo(9), order: 0 } },
      engagement: {},
    });

    it('find candidates by projected attributes and read each candidate’s lead item consistently', async () => {
      const item = aStoredLead();
      doc.on(QueryCommand, { IndexName: LEADS_BY_LAST_SEEN_INDEX }).resolves({ Items: [projected(item)] });
      doc.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)' }).resolves({ Items: [] });
      doc.on(GetCommand).resolves({ Item: item });

      await requests().access('demo', subject);

      expectIndexQueriesUseProjectedAttributes();
      expect(doc.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
        { TableName: 'eirlead', Key: keys.lead('demo', identified.leadId), ConsistentRead: true },
      ]);
    });

    it('read no lead item when no candidate’s range holds the address', async () => {
      doc.on(QueryCommand, { IndexName: LEADS_BY_LAST_SEEN_INDEX }).resolves({ Items: [projected(aStoredLead())] });

      const result = await requests().erase('demo', { ...subject, ip: '80.128.10.20' });

      expect(result.erased.visits).toBe(0);
      expect(doc.commandCalls(GetCommand)).toHaveLength(0);
    });

    it('guard the erasure with the version of the lead item, which the index does not hold', async () => {
      const item = { ...aStoredLead(), version: 7 };
      doc.on(QueryCommand, { IndexName: LEADS_BY_LAST_SEEN_INDEX }).resolves({ Items: [projected(item)] });
      doc.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)' }).resolves({ Items: [visitItem(item)] });
      doc.on(GetCommand).resolves({ Item: item });
      doc.on(TransactWriteCommand).resolves({});

      const result = await requests().erase('demo', subject);

      expect(result.erased.visits).toBe(1);
      const transaction = doc.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      const leadWrite = transaction.find((entry) => entry.Put)?.Put;
      expect(leadWrite?.ExpressionAttributeValues).toEqual({ ':expected': 7 });
      expect(leadWrite?.Item).toMatchObject({ version: 8, open: expect.any(Uint8Array) });
    });
  });
});
