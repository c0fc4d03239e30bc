import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import NodeEnvironment from 'jest-environment-node';
import { type RunningEmulator, startDynamoDbLocal } from '../../../local/emulators';
import { DYNAMODB_ENDPOINT_ENV } from './emulator-env';

/**
 * The integration tests' environment: Node's, plus a DynamoDB Local of its own for a test file whose first docblock
 * says `@own-dynamodb-local` (the files that write thousands of items: CRM syncs, seeded dashboards, fault runs).
 *
 * Why: one DynamoDB Local serves the whole run, and it slows down for every table made after much data went into
 * tables since deleted. Measured on the 2-core machine: 1,000 writes into a new table took 0.7 s on a fresh instance
 * and 3.7–5.5 s after eleven tables of 1,000 items had been made and deleted, while writes into one table that keeps
 * growing stayed at 0.4 s. In a full run that made a file late in the order up to seven times slower than alone
 * (crm-hubspot: 20 s alone, 158 s in a run). A file of its own costs about 2.5 s (the JVM's start and stop) and
 * leaves the shared instance light for the others.
 *
 * The endpoint is set in this file's copy of `process.env` only, before its first hook, and the instance stops
 * after its last `afterAll`, when the file's runtime is already down.
 */
export default class IntegrationEnvironment extends NodeEnvironment {
  private readonly ownDynamoDbLocal: boolean;
  private dynamoDb?: RunningEmulator;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.ownDynamoDbLocal = context.docblockPragmas['own-dynamodb-local'] !== undefined;
  }

  override async setup(): Promise<void> {
    await super.setup();
    if (!this.ownDynamoDbLocal) return;
    this.dynamoDb = await startDynamoDbLocal();
    (this.global.process as NodeJS.Process).env[DYNAMODB_ENDPOINT_ENV] = this.dynamoDb.endpoint;
  }

  override async teardown(): Promise<void> {
    await this.dynamoDb?.stop();
    await super.teardown();
  }
}
