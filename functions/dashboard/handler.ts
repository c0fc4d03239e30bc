import { dynamoDbDocumentClient } from '../adapters/aws-clients/dynamodb';
import { awsInfrastructure } from '../adapters/infrastructure';
import { cognitoIdentity } from '../adapters/identity/cognito-client';
import { readEnvironment } from '../platform/env';
import { createHandler, dashboardDependencies } from './app';

/** Lambda entry of the dashboard (see app.ts); people sign in with the stack's Cognito user pool. */
const environment = readEnvironment('dashboard');
const infrastructure = awsInfrastructure({ documentClient: dynamoDbDocumentClient });

export const handler = createHandler(dashboardDependencies(environment, infrastructure, cognitoIdentity(environment.USER_POOL_ID, environment.USER_POOL_CLIENT_ID)));
