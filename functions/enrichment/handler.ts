import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, enrichmentDependencies } from './app';

const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient });

/** Lambda entry of the SQS event source mapping (see app.ts). */
export const handler = createHandler(enrichmentDependencies(readEnvironment('enrichment'), infrastructure));
