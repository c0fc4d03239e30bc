import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Retention } from '../../functions/contracts/deployment-config';
import { failureQueue } from './failure-queue';
import { EirleadFunction } from './lambda-function';
import { grantTableAccess, PARTITIONS } from './table-access';

export interface SaltCleanupProps {
  readonly table: dynamodb.ITableV2;
  /** The project key: encrypts the function's log group and the failed-runs queue. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  /**
   * How often expired salts are destroyed; a salt outlives its `saltHours` by at most this.
   * @default Duration.hours(1)
   */
  readonly every?: Duration;
}

/** Lambda's limit for how long it keeps retrying an asynchronous event. */
const MAX_EVENT_AGE_LIMIT = Duration.hours(6);

/**
 * Destroys daily salts on time. DynamoDB's TTL removes expired items only lazily (typically within two days),
 * and while a salt exists a stored visit can still be linked to an address. A run that fails (after Lambda's
 * retries) lands in `failedRuns`, which Operations alarms on: until a run succeeds, salts outlive their time.
 */
export class SaltCleanup extends Construct {
  public readonly function: NodejsFunction;
  public readonly rule: events.Rule;
  /** The on-failure destination of the function's asynchronous invocations: one message per failed run, with its error. */
  public readonly failedRuns: sqs.Queue;

  constructor(scope: Construct, id: string, props: SaltCleanupProps) {
    super(scope, id);
    const every = props.every ?? Duration.hours(1);
    if (every.toMinutes() < 1 || every.toHours({ integral: false }) > props.retention.saltHours / 2) {
      throw new Error('SaltCleanup: `every` must be at least a minute and at most half of saltHours');
    }
    // A failed-run record holds the schedule event and the error (no personal data); kept as long as the events
    // queue's dead letters, for the operator the alarm wakes.
    this.failedRuns = failureQueue(this, 'FailedRuns', props.encryptionKey, props.retention.dlqRetentionDays, 'the salt cleanup (its messages are alarmed)');

    this.function = new EirleadFunction(this, 'Function', {
      name: 'saltCleanup',
      encryptionKey: props.encryptionKey,
      // Retried twice by Lambda; a run older than one interval is not worth retrying, the next one redoes it.
      invocation: {
        type: 'async',
        onFailure: this.failedRuns,
        retryAttempts: 2,
        maxEventAge: every.toSeconds() < MAX_EVENT_AGE_LIMIT.toSeconds() ? every : MAX_EVENT_AGE_LIMIT,
      },
      // One run an hour, each over in seconds: one instance is all it needs, and two runs never overlap.
      concurrency: { reserved: 1 },
      logRetentionDays: props.retention.logRetentionDays,
      environment: { TABLE_NAME: props.table.tableName, RETENTION: props.retention },
    }).function;
    // Conditional deletes of expired salts, by key (the days are known, so no read or query is needed).
    grantTableAccess(this.function, props.table, { items: [{ actions: ['DeleteItem'], partitions: [PARTITIONS.salt] }] });
    // EventBridge's own retry policy covers handing the event to Lambda; the run's failures are Lambda's (above).
    this.rule = new events.Rule(this, 'Schedule', {
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge only hands the event to Lambda\'s asynchronous queue; failed runs (including ones throttled past their maximum age) go to the function\'s on-failure destination, FailedRuns, which is alarmed. An event EventBridge could not hand over at all is redone by the next scheduled run, at most `every` later (each run looks back two weeks).',
    });
  }
}
