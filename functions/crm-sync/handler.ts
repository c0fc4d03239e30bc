import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, crmSyncDependencies } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  keyService: awsKeyService,
  sqs: sqsClient,
});

/** Lambda entry of the CRM sync (see app.ts): the schedules' events and the CRM jobs queue's messages. */
export const handler = createHandler(crmSyncDependencies(readEnvironment('crmSync'), infrastructure));
