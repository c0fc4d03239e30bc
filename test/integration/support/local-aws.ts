import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators';
import { ensureQueues, ensureTable, type Queues } from '../../../local/resources';
import { DYNAMODB_ENDPOINT_ENV, SQS_ENDPOINT_ENV } from './emulator-env';

export interface EmulatorEndpoints {
  readonly dynamoDb: string;
  readonly sqs: string;
}

/** The emulators globalSetup started; fails with a hint when a file runs outside the integration project. */
export function emulatorEndpoints(): EmulatorEndpoints {
  const dynamoDb = process.env[DYNAMODB_ENDPOINT_ENV];
  const sqs = process.env[SQS_ENDPOINT_ENV];
  if (!dynamoDb || !sqs) {
    throw new Error(
      `${DYNAMODB_ENDPOINT_ENV}/${SQS_ENDPOINT_ENV} are not set: run integration tests with ` +
        '`npx jest --selectProjects integration`, whose globalSetup starts the emulators',
    );
  }
  return { dynamoDb, sqs };
}

/** Unique per call, so test files sharing the emulators never share a table or a queue. */
export function uniqueName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  return `${safe}-${randomBytes(4).toString('hex')}`;
}

export interface TestResources {
  readonly endpoints: EmulatorEndpoints;
  readonly tableName: string;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly queues: Queues;
  readonly dynamoDb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** Deletes the table and queues and closes the clients; call it in afterAll. */
  destroy(): Promise<void>;
}

/** A table and queues made exactly as `npm start` makes them (local/resources.ts), under unique names. */
export async function createTestResources(label: string): Promise<TestResources> {
  const endpoints = emulatorEndpoints();
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamoDb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamoDb });
  const sqs = new SQSClient({ ...clientConfig, endpoint: endpoints.sqs });
  const tableName = uniqueName(label);
  const queueName = `${tableName}-events`;
  const deadLetterQueueName = `${tableName}-events-dlq`;
  const [queues] = await Promise.all([
    ensureQueues(sqs, { queueName, deadLetterQueueName }),
    ensureTable(dynamoDb, tableName),
  ]);
  return {
    endpoints,
    tableName,
    queueName,
    deadLetterQueueName,
    queues,
    dynamoDb,
    doc: DynamoDBDocumentClient.from(dynamoDb),
    sqs,
    async destroy() {
      await Promise.allSettled([
        dynamoDb.send(new DeleteTableCommand({ TableName: tableName })),
        sqs.send(new DeleteQueueCommand({ QueueUrl: queues.queueUrl })),
        sqs.send(new DeleteQueueCommand({ QueueUrl: queues.deadLetterQueueUrl })),
      ]);
      dynamoDb.destroy();
      sqs.destroy();
    },
  };
}

/**
 * A table with the product's key schema and one index on `gsi1pk`/`gsi1sk` projecting ALL: the shape `npm start`
 * made before the index projected only what its readers need, and a fixed shape for hand-worked capacity figures.
 */
export async function createTableWithAllProjectedIndex(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: indexName,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}
