import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, leadsApiDependencies } from './app';

/** Lambda entry of the leads API's routes (see app.ts and functions/contracts/routes.ts). */
export const handler = createHandler(leadsApiDependencies(readEnvironment('leadsApi'), awsInfrastructure()));
