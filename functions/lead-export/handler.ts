import { awsExportStorage } from '../adapters/s3/export-storage';
import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, leadExportDependencies } from './app';

const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient, exportStorage: awsExportStorage });

/** Lambda entry of an export job, invoked asynchronously by the leads API (see app.ts). */
export const handler = createHandler(leadExportDependencies(readEnvironment('leadExport'), infrastructure));
