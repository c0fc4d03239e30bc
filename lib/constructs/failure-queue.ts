import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The on-failure destination of an asynchronously invoked function: one message per finally failed event, with its
 * error. Encrypted with the project key, TLS only, kept as long as the events queue's dead letters.
 */
export function failureQueue(scope: Construct, id: string, encryptionKey: kms.IKey, retentionDays: number, owner: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    dataKeyReuse: Duration.hours(1),
    enforceSSL: true,
    retentionPeriod: Duration.days(retentionDays),
  });
  for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(queue).acknowledge({
      id: rule,
      reason: `This queue is itself the failure destination of ${owner}; a dead-letter queue of it would only move the problem.`,
    });
  }
  return queue;
}
