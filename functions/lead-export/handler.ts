import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, leadExportDependencies } from './app';

/** Lambda entry of an export job, invoked asynchronously by the leads API (see app.ts). */
export const handler = createHandler(leadExportDependencies(readEnvironment('leadExport'), awsInfrastructure()));
