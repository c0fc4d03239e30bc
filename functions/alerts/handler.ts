import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertsDependencies, createHandler } from './app';

/** Lambda entry of the table stream's event source mapping (see app.ts). */
export const handler = createHandler(alertsDependencies(readEnvironment('alerts'), awsInfrastructure()));
