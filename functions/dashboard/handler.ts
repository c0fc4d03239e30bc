import { awsInfrastructure } from '../adapters/infrastructure';
import { cognitoIdentity } from '../adapters/identity/cognito-client';
import { readEnvironment } from '../platform/env';
import { createHandler, dashboardDependencies } from './app';

/** Lambda entry of the dashboard (see app.ts); people sign in with the stack's Cognito user pool. */
const environment = readEnvironment('dashboard');
export const handler = createHandler(dashboardDependencies(environment, awsInfrastructure(), cognitoIdentity(environment.USER_POOL_ID, environment.USER_POOL_CLIENT_ID)));
