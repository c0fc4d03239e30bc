import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { authorizerDependencies, createHandler } from './app';

/** Lambda entry of the REST API's token authoriser (see app.ts). */
export const handler = createHandler(authorizerDependencies(readEnvironment('authorizer'), awsInfrastructure()));
