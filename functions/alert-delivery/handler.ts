import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertDeliveryDependencies, createHandler } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  keyService: awsKeyService,
  sqs: sqsClient,
});

/** Lambda entry of the delivery queue's event source mapping and of the daily digest schedule (see app.ts). */
export const handler = createHandler(alertDeliveryDependencies(readEnvironment('alertDelivery'), infrastructure));
