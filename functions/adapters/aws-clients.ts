import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Every AWS SDK client of the functions is made here, pinned to Ireland: whatever AWS_REGION or a profile says,
 * no call can leave eu-west-1 (the residency guard checks the infrastructure; this checks the code).
 * Endpoints still come from the environment, so the local runtime can point them at the emulators.
 */
export const REGION = 'eu-west-1';

export const dynamoDbDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION }), { marshallOptions: { removeUndefinedValues: true } });

/**
 * Requests go to the client's endpoint, never to the host in a queue URL: the regional endpoint on AWS, and the
 * configured one locally (the emulator, or the benchmark's meter in front of it).
 */
export const sqsClient = (): SQSClient => new SQSClient({ region: REGION, useQueueUrlAsEndpoint: false });

export const kmsClient = (): KMSClient => new KMSClient({ region: REGION });
