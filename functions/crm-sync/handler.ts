import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, crmSyncDependencies } from './app';

/** Lambda entry of the CRM sync (see app.ts): the schedules' events and the CRM jobs queue's messages. */
export const handler = createHandler(crmSyncDependencies(readEnvironment('crmSync'), awsInfrastructure()));
