import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertsApiDependencies, createHandler } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  keyService: awsKeyService,
  sqs: sqsClient,
});

/** Lambda entry of the alert routes (see app.ts and functions/contracts/routes/alerts.ts). */
export const handler = createHandler(alertsApiDependencies(readEnvironment('alertsApi'), infrastructure));
