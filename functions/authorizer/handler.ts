import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { authorizerDependencies, createHandler } from './app';

const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient });

/** Lambda entry of the REST API's token authoriser (see app.ts). */
export const handler = createHandler(authorizerDependencies(readEnvironment('authorizer'), infrastructure));
