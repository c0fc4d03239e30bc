import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Retention } from '../../functions/contracts/deployment-config';
import { EirleadFunction } from './lambda-function';
import { grantTableAccess, PARTITIONS } from './table-access';

export interface SaltCleanupProps {
  readonly table: dynamodb.ITableV2;
  /** The project key: encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  /**
   * How often expired salts are destroyed; a salt outlives its `saltHours` by at most this.
   * @default Duration.hours(1)
   */
  readonly every?: Duration;
}

/**
 * Destroys daily salts on time. DynamoDB's TTL removes expired items only lazily (typically within two days),
 * and while a salt exists a stored visit can still be linked to an address.
 */
export class SaltCleanup extends Construct {
  public readonly function: NodejsFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SaltCleanupProps) {
    super(scope, id);
    const every = props.every ?? Duration.hours(1);
    if (every.toMinutes() < 1 || every.toHours({ integral: false }) > props.retention.saltHours / 2) {
      throw new Error('SaltCleanup: `every` must be at least a minute and at most half of saltHours');
    }
    this.function = new EirleadFunction(this, 'Function', {
      name: 'saltCleanup',
      encryptionKey: props.encryptionKey,
      // One run an hour, each over in seconds: one instance is all it needs, and two runs never overlap.
      concurrency: { reserved: 1 },
      logRetentionDays: props.retention.logRetentionDays,
      environment: { TABLE_NAME: props.table.tableName, RETENTION: props.retention },
    }).function;
    // Conditional deletes of expired salts, by key (the days are known, so no read or query is needed).
    grantTableAccess(this.function, props.table, { items: [{ actions: ['DeleteItem'], partitions: [PARTITIONS.salt] }] });
    // A failed run needs no retry queue: every run looks back two weeks, so the next one finishes the job.
    this.rule = new events.Rule(this, 'Schedule', {
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A failed cleanup run is not worth keeping: the run is idempotent and the next scheduled run, at most `every` later, destroys the same salts (it looks back two weeks).',
    });
  }
}
