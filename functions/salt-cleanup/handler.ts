import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, saltCleanupDependencies } from './app';

const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient });

/** Lambda entry of the hourly schedule (see app.ts). */
export const handler = createHandler(saltCleanupDependencies(readEnvironment('saltCleanup'), infrastructure));
