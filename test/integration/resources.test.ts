import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys, LEAD_INDEX_ATTRIBUTES, LEADS_BY_LAST_SEEN_INDEX, nowEpochSeconds } from '../../functions/contracts/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type RunningEmulator, startDynamoDbLocal } from '../../local/emulators';
import { ensureTable } from '../../local/resources';
import { createTableWithAllProjectedIndex, uniqueName } from './support/local-aws';

let emulator: RunningEmulator;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const tables: string[] = [];

/**
 * Its own DynamoDB Local, as `npm start` has one per data directory: on the emulator the whole run shares, after
 * hundreds of tables with streams were made and deleted, an index backfill sometimes never finished (CI, 5 minutes
 * of CREATING on an idle emulator). That is the emulator's state, not the migration's, and a second JVM costs ~3 s.
 */
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: emulator.endpoint });
  doc = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  await Promise.allSettled(tables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client.destroy();
  await emulator.stop();
});

const INDEX_KEYS = [
  { AttributeName: 'gsi1pk', KeyType: 'HASH' as const },
  { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const },
];

/** The table as `npm start` made it until the projection changed (0.1.0): index `byLastSeen`, projecting ALL. */
async function tableOfEarlierVersion(label: string): Promise<string> {
  const TableName = uniqueName(label);
  tables.push(TableName);
  await createTableWithAllProjectedIndex(client, TableName, 'byLastSeen');
  return TableName;
}

const lead = {
  ...keys.lead('demo', 'lead-1'),
  ...keys.leadIndex('demo', '2026-11-25T10:00:00.000Z', 'lead-1'),
  leadId: 'lead-1',
  siteId: 'demo',
  organisation: { name: 'SAP SE', asn: 35039 },
  lastSeenAt: '2026-11-25T10:00:00.000Z',
  activeVisits: { ['a'.repeat(64)]: { visitId: 'v1', lastAt: '2026-11-25T10:00:00.000Z', pageCount: 1 } },
  version: 3,
  expiresAt: nowEpochSeconds() + 86_400,
};

const indexesOf = async (TableName: string) =>
  (await client.send(new DescribeTableCommand({ TableName }))).Table?.GlobalSecondaryIndexes ?? [];

const queryIndex = async (TableName: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName,
        IndexName: LEADS_BY_LAST_SEEN_INDEX,
        KeyConditionExpression: 'gsi1pk = :site',
        ExpressionAttributeValues: { ':site': keys.siteLeads('demo') },
      }),
    )
  ).Items ?? [];

/** Index changes take seconds on an emulator of its own, longer while a full run loads the machine. */
const MIGRATION_TEST_TIMEOUT_MS = 3 * 60_000;

describe('ensureTable on a data directory of an earlier version', () => {
  it('replaces the old index by the current one, backfilled with the stored leads, naming no personal data', async () => {
    const TableName = await tableOfEarlierVersion('migrate-index');
    await doc.send(new PutCommand({ TableName, Item: lead }));
    const lines: string[] = [];

    await ensureTable(client, TableName, (line) => lines.push(line));

    const indexes = await indexesOf(TableName);
    expect(indexes.map((index) => [index.IndexName, index.IndexStatus])).toEqual([[LEADS_BY_LAST_SEEN_INDEX, 'ACTIVE']]);
    expect(indexes[0]?.Projection?.ProjectionType).toBe('INCLUDE');
    expect([...(indexes[0]?.Projection?.NonKeyAttributes ?? [])].sort()).toEqual([...LEAD_INDEX_ATTRIBUTES].sort());
    const entries = await queryIndex(TableName);
    expect(entries).toEqual([expect.objectContaining({ leadId: 'lead-1', organisation: lead.organisation })]);
    expect(entries[0]).not.toHaveProperty('activeVisits');
    expect(entries[0]).not.toHaveProperty('version');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/lead-1|SAP|a{64}/);
  }, MIGRATION_TEST_TIMEOUT_MS);

  it('recreates an index of the current name whose projection differs', async () => {
    const TableName = await tableOfEarlierVersion('reproject-index');
    // An interrupted or hand-made table: the current name, but projecting ALL.
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: LEADS_BY_LAST_SEEN_INDEX, KeySchema: INDEX_KEYS, Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    await doc.send(new PutCommand({ TableName, Item: lead }));

    await ensureTable(client, TableName, () => undefined);

    const indexes = await indexesOf(TableName);
    expect(indexes.map((index) => [index.IndexName, index.Projection?.ProjectionType])).toEqual([[LEADS_BY_LAST_SEEN_INDEX, 'INCLUDE']]);
    expect((await queryIndex(TableName)).map((entry) => entry.leadId)).toEqual(['lead-1']);
  }, MIGRATION_TEST_TIMEOUT_MS);

  it('leaves a current table alone and logs nothing', async () => {
    const TableName = uniqueName('current-table');
    tables.push(TableName);
    await ensureTable(client, TableName, () => undefined);
    const before = await indexesOf(TableName);
    const lines: string[] = [];

    await ensureTable(client, TableName, (line) => lines.push(line));

    expect(await indexesOf(TableName)).toEqual(before);
    expect(lines).toEqual([]);
  });
});
