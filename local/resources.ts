import {
  type AttributeDefinition,
  type KeySchemaElement,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  type GlobalSecondaryIndexUpdate,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_RETENTION, type Retention } from '../functions/contracts/deployment-config';
import { MAX_RECEIVE_COUNT } from '../functions/contracts/names';
import { LEAD_INDEX, TABLE_KEYS, TABLE_STREAM_VIEW_TYPE, TTL_ATTRIBUTE } from '../functions/contracts/table';

/**
 * Creates locally what the CDK stack creates on AWS: the single table and the queue with its DLQ.
 * Every function is idempotent, because a restart with a persisted data directory finds the table in place.
 */

/**
 * Much shorter than on AWS (where it must exceed the function timeout), so that a failed batch is retried
 * within seconds while one develops locally.
 */
export const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 10;

/** Every key attribute is a string (functions/contracts/table.ts). */
const ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, LEAD_INDEX.partitionKey, LEAD_INDEX.sortKey].map(
  (AttributeName) => ({ AttributeName, AttributeType: 'S' }),
);

/** The table's keys, as CreateTable takes them. */
export const TABLE_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
  { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
];

/** The table's one index, from the same definition lib/constructs/storage.ts reads. */
export const LEAD_INDEX_DEFINITION: GlobalSecondaryIndex = {
  IndexName: LEAD_INDEX.indexName,
  KeySchema: [
    { AttributeName: LEAD_INDEX.partitionKey, KeyType: 'HASH' },
    { AttributeName: LEAD_INDEX.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LEAD_INDEX.nonKeyAttributes] },
};

/** Creating an index backfills it from every item, which takes longer than creating a table. */
const INDEX_MIGRATION_TIMEOUT_MS = 5 * 60_000;

/**
 * Creates the table, or brings a table made by an earlier version (a persisted data directory) to the current
 * index definition. `log` receives table and index names only, never item data.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  log: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  if (!(await describeTable(client, tableName))) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
          KeySchema: TABLE_KEY_SCHEMA,
          GlobalSecondaryIndexes: [LEAD_INDEX_DEFINITION],
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_STREAM_VIEW_TYPE },
        }),
      );
    } catch (error) {
      // Two processes sharing one data directory may race to create it; the loser finds it made.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitForActive(client, tableName);
  }
  await migrateIndexes(client, tableName, log);
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  }
}

/**
 * Replaces indexes of another definition (a data directory kept from an earlier version) by
 * LEAD_INDEX_DEFINITION, as CloudFormation does on AWS: the new index first, backfilled by DynamoDB from the stored items,
 * then the old one goes. An index of the same name but another definition can only be deleted and created again.
 * UpdateTable takes one index creation or deletion at a time, and each must finish before the next.
 */
async function migrateIndexes(client: DynamoDBClient, tableName: string, log: (line: string) => void): Promise<void> {
  const table = await waitForActive(client, tableName, INDEX_MIGRATION_TIMEOUT_MS);
  const indexes = table.GlobalSecondaryIndexes ?? [];
  const current = indexes.find((index) => index.IndexName === LEAD_INDEX_DEFINITION.IndexName);
  if (current && isLeadIndex(current)) {
    for (const old of indexes.filter((index) => index !== current)) await deleteIndex(client, tableName, old, log);
    return;
  }
  if (current) await deleteIndex(client, tableName, current, log);
  log(`Table ${tableName}: creating index ${LEAD_INDEX.indexName} from the stored items`);
  await updateIndexes(client, tableName, { Create: LEAD_INDEX_DEFINITION }, (found) => found.some(isLeadIndex));
  for (const old of indexes.filter((index) => index.IndexName !== LEAD_INDEX_DEFINITION.IndexName)) {
    await deleteIndex(client, tableName, old, log);
  }
}

async function deleteIndex(
  client: DynamoDBClient,
  tableName: string,
  index: GlobalSecondaryIndexDescription,
  log: (line: string) => void,
): Promise<void> {
  const indexName = index.IndexName ?? '';
  log(`Table ${tableName}: deleting index ${indexName}, which has an earlier definition`);
  await updateIndexes(client, tableName, { Delete: { IndexName: indexName } }, (found) =>
    found.every((other) => other.IndexName !== indexName),
  );
}

/**
 * One index creation or deletion, then waits until the table is ACTIVE with every index ACTIVE. When the update
 * fails because another process sharing the data directory made the same change, `done` is already true.
 */
async function updateIndexes(
  client: DynamoDBClient,
  tableName: string,
  update: GlobalSecondaryIndexUpdate,
  done: (indexes: GlobalSecondaryIndexDescription[]) => boolean,
): Promise<void> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        ...(update.Create ? { AttributeDefinitions: ATTRIBUTE_DEFINITIONS } : {}),
        GlobalSecondaryIndexUpdates: [update],
      }),
    );
  } catch (error) {
    const table = await describeTable(client, tableName);
    if (!done(table?.GlobalSecondaryIndexes ?? [])) throw error;
  }
  const table = await waitForActive(client, tableName, INDEX_MIGRATION_TIMEOUT_MS);
  if (!done(table.GlobalSecondaryIndexes ?? [])) throw new Error(`Table ${tableName}: index update did not take effect`);
}

/** Same keys and the same projected attributes as LEAD_INDEX_DEFINITION (their order does not matter). */
function isLeadIndex(index: GlobalSecondaryIndexDescription): boolean {
  const keySchema = (schema: GlobalSecondaryIndex['KeySchema']) =>
    JSON.stringify((schema ?? []).map(({ AttributeName, KeyType }) => [AttributeName, KeyType]));
  const projection = (value: GlobalSecondaryIndex['Projection']) =>
    JSON.stringify([value?.ProjectionType, [...(value?.NonKeyAttributes ?? [])].sort()]);
  return (
    index.IndexName === LEAD_INDEX_DEFINITION.IndexName &&
    keySchema(index.KeySchema) === keySchema(LEAD_INDEX_DEFINITION.KeySchema) &&
    projection(index.Projection) === projection(LEAD_INDEX_DEFINITION.Projection)
  );
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Waits until the table and every index are ACTIVE (an index being deleted disappears), and returns the table. */
async function waitForActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return Table;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The table's stream (functions/contracts/table.ts), which feeds the alerts function: enabled on a table made by an
 * earlier version too. Returns the stream's ARN for the stream poller.
 */
export async function ensureTableStream(client: DynamoDBClient, tableName: string): Promise<string> {
  const table = await describeTable(client, tableName);
  if (!table) throw new Error(`Table ${tableName} does not exist`);
  const spec = table.StreamSpecification;
  if (spec?.StreamEnabled && spec.StreamViewType === TABLE_STREAM_VIEW_TYPE && table.LatestStreamArn) return table.LatestStreamArn;
  // Another view type: a stream's view cannot change, so it is turned off and on again (as CloudFormation replaces it).
  if (spec?.StreamEnabled) await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }));
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_STREAM_VIEW_TYPE } }));
  const updated = await waitForActive(client, tableName);
  if (!updated.LatestStreamArn) throw new Error(`Table ${tableName} has no stream after enabling it`);
  return updated.LatestStreamArn;
}

export interface QueueNames {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
}

export interface Queues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

export async function ensureQueues(
  client: SQSClient,
  names: QueueNames,
  retention: Retention = DEFAULT_RETENTION,
  visibilityTimeoutSeconds = LOCAL_VISIBILITY_TIMEOUT_SECONDS,
  /** For a queue other than the events queue (the alert delivery queue keeps messages through its day of retries). */
  overrides: { readonly maxReceiveCount?: number; readonly retentionSeconds?: number } = {},
): Promise<Queues> {
  const deadLetterQueueUrl = await createQueue(client, names.deadLetterQueueName, {
    MessageRetentionPeriod: String(retention.dlqRetentionDays * 86_400),
  });
  const deadLetterQueueArn = await queueArn(client, deadLetterQueueUrl);
  const queueUrl = await createQueue(client, names.queueName, {
    MessageRetentionPeriod: String(overrides.retentionSeconds ?? retention.queueRetentionHours * 3_600),
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: overrides.maxReceiveCount ?? MAX_RECEIVE_COUNT }),
  });
  return { queueUrl, queueArn: await queueArn(client, queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  return QueueUrl;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${queueUrl}`);
  return arn;
}
