import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, enrichmentDependencies } from './app';

/** Lambda entry of the SQS event source mapping (see app.ts). */
export const handler = createHandler(enrichmentDependencies(readEnvironment('enrichment'), awsInfrastructure()));
