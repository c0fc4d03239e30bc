import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { createHandler, ingestDependencies } from './app';

/**
 * Lambda entry of POST /v1/events (see app.ts), invoked by API Gateway and, with `ingestApi` "functionUrl", by its
 * function URL; the local runtime calls `createHandler` with its own dependencies.
 */
export const handler = createHandler(ingestDependencies(readEnvironment('ingest'), awsInfrastructure()));
