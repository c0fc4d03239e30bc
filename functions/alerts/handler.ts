import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { sqsClient } from '../adapters/aws-clients/sqs';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertsDependencies, createHandler } from './app';

const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient, sqs: sqsClient });

/** Lambda entry of the table stream's event source mapping (see app.ts). */
export const handler = createHandler(alertsDependencies(readEnvironment('alerts'), infrastructure));
