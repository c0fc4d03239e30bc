import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, crmApiDependencies } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  keyService: awsKeyService,
  sqs: sqsClient,
});

/** Lambda entry of the CRM API's routes (see app.ts and functions/contracts/routes/crm.ts). */
export const handler = createHandler(crmApiDependencies(readEnvironment('crmApi'), infrastructure));
