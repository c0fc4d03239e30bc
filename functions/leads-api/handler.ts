import { awsExportStorage } from '../adapters/s3/export-storage';
import { awsInvokeAsync } from '../adapters/lambda/invoke-async';
import { awsKeyService } from '../adapters/kms/key-service';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, leadsApiDependencies } from './app';

const infrastructure = awsInfrastructure({
  documentClient: dynamoDbDocumentClient,
  exportStorage: awsExportStorage,
  invokeAsync: awsInvokeAsync,
  keyService: awsKeyService,
});

/** Lambda entry of the leads API's routes (see app.ts and functions/contracts/routes.ts). */
export const handler = createHandler(leadsApiDependencies(readEnvironment('leadsApi'), infrastructure));
