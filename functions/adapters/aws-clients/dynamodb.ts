import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

export const dynamoDbDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...options, region: REGION }), { marshallOptions: { removeUndefinedValues: true } });
