import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertsApiDependencies, createHandler } from './app';

/** Lambda entry of the alert routes (see app.ts and functions/contracts/routes/alerts.ts). */
export const handler = createHandler(alertsApiDependencies(readEnvironment('alertsApi'), awsInfrastructure()));
