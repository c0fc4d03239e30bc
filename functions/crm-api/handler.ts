import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, crmApiDependencies } from './app';

/** Lambda entry of the CRM API's routes (see app.ts and functions/contracts/routes/crm.ts). */
export const handler = createHandler(crmApiDependencies(readEnvironment('crmApi'), awsInfrastructure()));
