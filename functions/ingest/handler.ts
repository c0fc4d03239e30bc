import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, ingestDependencies } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  keyService: awsKeyService,
  sqs: sqsClient,
});

/**
 * Lambda entry of POST /v1/events (see app.ts), invoked by API Gateway and, with `ingestApi` "functionUrl", by its
 * function URL; the local runtime calls `createHandler` with its own dependencies.
 */
export const handler = createHandler(ingestDependencies(readEnvironment('ingest'), infrastructure));
