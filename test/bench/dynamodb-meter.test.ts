import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { itemSize, queryReadUnits } from '../../scripts/bench/capacity-units';
import { startDynamoDbMeter, type DynamoDbMeter } from '../../scripts/bench/dynamodb-meter';
import { createTableWithAllProjectedIndex, emulatorEndpoints, uniqueName } from '../integration/support/local-aws';

/**
 * Item sizes here are worked out by hand from the AWS rules (attribute name bytes + value bytes), so the test checks
 * the meter against the rules rather than against its own arithmetic:
 *   pk "p1" = 2 + 2, sk "s" = 2 + 1, data of n characters = 4 + n, gsi1pk "site" = 6 + 4, gsi1sk "2026-11-25" = 6 + 10.
 */
const item = (pk: string, dataLength: number, extra: Record<string, string> = {}) =>
  marshall({ pk, sk: 's', data: 'x'.repeat(dataLength), ...extra });
const key = (pk: string) => marshall({ pk, sk: 's' });
const INDEXED = { gsi1pk: 'site', gsi1sk: '2026-11-25' };

let meter: DynamoDbMeter;
let direct: DynamoDBClient;
let client: DynamoDBClient;
let TableName: string;

beforeAll(async () => {
  const { dynamoDb } = emulatorEndpoints();
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  direct = new DynamoDBClient({ ...config, endpoint: dynamoDb });
  TableName = uniqueName('dynamodb-meter');
  // An index projecting ALL, so the hand-worked sizes below do not depend on what the product's index projects.
  await createTableWithAllProjectedIndex(direct, TableName, LEADS_BY_LAST_SEEN_INDEX);
  meter = await startDynamoDbMeter({ upstream: dynamoDb });
  client = new DynamoDBClient({ ...config, endpoint: meter.endpoint });
});

afterAll(async () => {
  await direct.send(new DeleteTableCommand({ TableName }));
  client.destroy();
  direct.destroy();
  await meter.stop();
});

/** Resets the meter, runs the calls through it and returns what it measured. */
async function measure(calls: () => Promise<unknown>) {
  meter.reset();
  await calls();
  const totals = meter.totals();
  expect(totals.errors).toEqual([]);
  return totals;
}

describe('DynamoDB meter against DynamoDB Local', () => {
  it('charges a put by the 1 KB blocks of the item and nothing to an index the item is not in', async () => {
    // 4 + 3 + (4 + 1500) = 1511 bytes → 2 units.
    const totals = await measure(() => client.send(new PutItemCommand({ TableName, Item: item('p1', 1500) })));

    expect(totals).toMatchObject({ writeRequests: 1, writeUnits: 2, indexWriteUnits: 0, readUnits: 0 });
    expect(totals.byOperation.PutItem).toEqual({ requests: 1, writeUnits: 2, indexWriteUnits: 0, readUnits: 0 });
  });

  it('charges the index entry with its 100 bytes of overhead', async () => {
    // 4 + 3 + (4 + 900) + 10 + 16 = 937 bytes → 1 unit; index entry 1037 bytes → 2 units.
    const totals = await measure(() => client.send(new PutItemCommand({ TableName, Item: item('p2', 900, INDEXED) })));

    expect(totals).toMatchObject({ writeUnits: 1, indexWriteUnits: 2 });
    expect(totals.indexWriteUnitsByIndex).toEqual({ [`${TableName}/${LEADS_BY_LAST_SEEN_INDEX}`]: 2 });
  });

  it('charges an index key change as a delete and a put of the entry', async () => {
    const totals = await measure(() =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: key('p2'),
          UpdateExpression: 'SET gsi1sk = :next',
          ExpressionAttributeValues: marshall({ ':next': '2026-11-26' }),
        }),
      ),
    );

    expect(totals).toMatchObject({ writeUnits: 1, indexWriteUnits: 4 });
  });

  it('charges an update the larger of the before and after sizes', async () => {
    // Before 1511 bytes, after 4 + 3 + (4 + 100) = 111 bytes → 2 units.
    const totals = await measure(() =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: key('p1'),
          UpdateExpression: 'SET #data = :data',
          ExpressionAttributeNames: { '#data': 'data' },
          ExpressionAttributeValues: marshall({ ':data': 'z'.repeat(100) }),
        }),
      ),
    );

    expect(totals).toMatchObject({ writeUnits: 2, indexWriteUnits: 0 });
  });

  it('charges a failed conditional write the existing item, or 1 unit when there is none', async () => {
    // 4 + 3 + (4 + 2500) = 2511 bytes → 3 units.
    await client.send(new PutItemCommand({ TableName, Item: item('p3', 2500) }));

    const totals = await measure(async () => {
      await expect(
        client.send(new PutItemCommand({ TableName, Item: item('p3', 10), ConditionExpression: 'attribute_not_exists(pk)' })),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      await expect(
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key('missing'),
            UpdateExpression: 'SET #data = :data',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#data': 'data' },
            ExpressionAttributeValues: marshall({ ':data': 'a' }),
          }),
        ),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    });

    expect(totals).toMatchObject({ conditionalCheckFailures: 2, writeRequests: 2, writeUnits: 3 + 1, indexWriteUnits: 0 });
  });

  it('charges a delete the size of the deleted item', async () => {
    const totals = await measure(() => client.send(new DeleteItemCommand({ TableName, Key: key('p3') })));

    expect(totals).toMatchObject({ writeUnits: 3, indexWriteUnits: 0 });
  });

  it('charges reads by consistency, with the minimum for an item that is not there', async () => {
    const totals = await measure(async () => {
      await client.send(new GetItemCommand({ TableName, Key: key('missing') }));
      await client.send(new GetItemCommand({ TableName, Key: key('missing'), ConsistentRead: true }));
      const { Item } = await client.send(new GetItemCommand({ TableName, Key: key('p1'), ConsistentRead: true }));
      expect(Item?.data?.S).toHaveLength(100);
    });

    expect(totals).toMatchObject({ readRequests: 3, consistentReads: 2, readUnits: 0.5 + 1 + 1, writeUnits: 0 });
  });

  it('charges a projected GetItem for the whole item', async () => {
    // 4 + 3 + (4 + 5000) = 5011 bytes → 2 blocks of 4 KB, strongly consistent.
    await client.send(new PutItemCommand({ TableName, Item: item('p8', 5000) }));

    const totals = await measure(() =>
      client.send(new GetItemCommand({ TableName, Key: key('p8'), ProjectionExpression: 'pk', ConsistentRead: true })),
    );

    expect(totals.readUnits).toBe(2);
  });

  it('charges a Query for every item read before the filter', async () => {
    // Three items of 3 + 4 + (4 + 2000) = 2011 bytes: 6033 bytes → 2 blocks → 1 unit eventually consistent,
    // although the filter lets one item through (alone it would cost 0.5).
    await Promise.all(
      ['x', 'x', 'y'].map((fill, n) =>
        client.send(new PutItemCommand({ TableName, Item: marshall({ pk: 'q', sk: `s${n}`, data: fill.repeat(2000) }) })),
      ),
    );

    let count: number | undefined;
    const totals = await measure(async () => {
      ({ Count: count } = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'begins_with(#data, :y)',
          ExpressionAttributeNames: { '#data': 'data' },
          ExpressionAttributeValues: marshall({ ':pk': 'q', ':y': 'y' }),
        }),
      ));
    });

    expect(count).toBe(1);
    expect(totals).toMatchObject({ readRequests: 1, readUnits: 1, filterReplayMismatches: 0 });
    expect(totals.readUnitsByTarget).toEqual({ [TableName]: 1 });
  });

  it('charges a Query on the index to the index, for the entries it counted', async () => {
    // 4 + 3 + (4 + 5000) + (6 + 3) + 16 = 5036 bytes → 2 blocks → 1 unit eventually consistent, though COUNT returns no items.
    await client.send(new PutItemCommand({ TableName, Item: item('p9', 5000, { ...INDEXED, gsi1pk: 'big' }) }));

    const totals = await measure(async () => {
      const { Count } = await client.send(
        new QueryCommand({
          TableName,
          IndexName: LEADS_BY_LAST_SEEN_INDEX,
          KeyConditionExpression: 'gsi1pk = :site',
          ExpressionAttributeValues: marshall({ ':site': 'big' }),
          Select: 'COUNT',
        }),
      );
      expect(Count).toBe(1);
    });

    expect(totals.readUnitsByTarget).toEqual({ [`${TableName}/${LEADS_BY_LAST_SEEN_INDEX}`]: 1 });
  });

  it('charges a filtered Scan for the whole table it read', async () => {
    const { Items = [] } = await direct.send(new ScanCommand({ TableName, ConsistentRead: true }));
    // Item sizes are checked against the rules in the unit tests; here the Scan must be replayed without its filter.
    const expected = queryReadUnits(Items.map(itemSize), { consistent: true });

    const totals = await measure(() =>
      client.send(
        new ScanCommand({
          TableName,
          ConsistentRead: true,
          FilterExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': 'p1' }),
        }),
      ),
    );

    expect(Items.length).toBeGreaterThan(5);
    expect(totals).toMatchObject({ readRequests: 1, consistentReads: 1, readUnits: expected, filterReplayMismatches: 0 });
  });

  it('doubles transactional writes and charges a condition check as a write', async () => {
    // Put of 4 + 3 + (4 + 400) = 411 bytes → 2 units; condition check of the 111-byte p1 → 2 units.
    const totals = await measure(() =>
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: item('p4', 400) } },
            { ConditionCheck: { TableName, Key: key('p1'), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      ),
    );

    expect(totals).toMatchObject({ writeRequests: 2, writeUnits: 4, indexWriteUnits: 0, cancelledTransactions: 0 });
  });

  it('counts a cancelled transaction and charges it nothing', async () => {
    const totals = await measure(() =>
      expect(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName, Item: item('p5', 10), ConditionExpression: 'attribute_exists(pk)' } }],
          }),
        ),
      ).rejects.toBeInstanceOf(TransactionCanceledException),
    );

    expect(totals).toMatchObject({ cancelledTransactions: 1, writeRequests: 0, writeUnits: 0 });
  });

  it('rounds each item of a batch on its own: 500 bytes and 3.5 KB cost 5 units to write', async () => {
    // 4 + 3 + (4 + 489) = 500 bytes → 1 unit; 4 + 3 + (4 + 3573) = 3584 bytes → 4 units.
    const totals = await measure(() =>
      client.send(
        new BatchWriteItemCommand({
          RequestItems: { [TableName]: [{ PutRequest: { Item: item('p6', 489) } }, { PutRequest: { Item: item('p7', 3573) } }] },
        }),
      ),
    );

    expect(totals).toMatchObject({ writeRequests: 2, writeUnits: 5 });
  });

  it('meters concurrent writes to one item one after the other', async () => {
    const totals = await measure(() =>
      Promise.all(
        Array.from({ length: 5 }, () =>
          client.send(
            new UpdateItemCommand({
              TableName,
              Key: key('counter'),
              UpdateExpression: 'ADD hits :one',
              ExpressionAttributeValues: marshall({ ':one': 1 }),
            }),
          ),
        ),
      ),
    );

    const { Item } = await direct.send(new GetItemCommand({ TableName, Key: key('counter'), ConsistentRead: true }));
    expect(Item?.hits?.N).toBe('5');
    expect(totals).toMatchObject({ writeRequests: 5, writeUnits: 5 });
  });

  it('rounds each item of a batch get on its own, found or not', async () => {
    const totals = await measure(async () => {
      const { Responses } = await client.send(
        new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [key('p6'), key('p7'), key('missing')] } } }),
      );
      expect(Responses?.[TableName]).toHaveLength(2);
    });

    expect(totals).toMatchObject({ readRequests: 3, readUnits: 1.5 });
  });
});
