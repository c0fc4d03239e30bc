import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { KeyPurpose } from '../../functions/contracts/names';

/**
 * Who may use the project key, and for what. The one key encrypts the table, the queues, the log groups, the daily
 * salts and the cursor-signing keys, so an unconditioned `kms:Decrypt` on it would let a function decrypt any of
 * them. Every grant here is therefore bound to one use:
 *
 * - through a service (`kms:ViaService`): the table and the queues, where DynamoDB and SQS call KMS on the
 *   function's behalf with their own encryption context; the grant does not let the function call KMS itself;
 * - directly, for one purpose (`kms:EncryptionContext:purpose`): the functions' own envelope encryption
 *   (functions/adapters/kms/key-service.ts), whose ciphertexts are bound to that context, so a grant for one
 *   purpose cannot decrypt another purpose's ciphertext, nor a table or queue data key.
 */


/** AWS services that use the key on a function's behalf. */
export type KeyUsingService = 'dynamodb' | 'sqs' | 's3';

/** `dynamodb.eu-west-1.amazonaws.com`: the service's endpoint in the stack's region (the residency guard pins it). */
export function viaService(scope: kms.IKey, service: KeyUsingService): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/** Lets `grantee` have `service` use the key for it, and nothing else. */
export function grantKeyViaService(key: kms.IKey, grantee: iam.IGrantable, service: KeyUsingService, actions: readonly string[]): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': viaService(key, service) } },
  });
}

/** Lets `grantee` call KMS itself with the key, only with `{ purpose }` as (part of) the encryption context. */
export function grantKeyForPurpose(key: kms.IKey, grantee: iam.IGrantable, purpose: KeyPurpose, actions: readonly string[]): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:EncryptionContext:purpose': purpose } },
  });
}

/**
 * Send to a queue: what `queue.grantSendMessages` grants, but with the queue key's use bound to SQS. SQS needs
 * `kms:GenerateDataKey` (a data key for the messages) and `kms:Decrypt` (to reuse a cached data key) from a producer.
 */
export function grantQueueSend(queue: sqs.IQueue, grantee: iam.IGrantable): void {
  queue.grant(grantee, 'sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
  if (queue.encryptionMasterKey) grantKeyViaService(queue.encryptionMasterKey, grantee, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
}

/** Consume a queue: what `queue.grantConsumeMessages` grants, with the queue key's `kms:Decrypt` bound to SQS. */
export function grantQueueConsume(queue: sqs.IQueue, grantee: iam.IGrantable): void {
  queue.grant(
    grantee,
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueUrl',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  );
  if (queue.encryptionMasterKey) grantKeyViaService(queue.encryptionMasterKey, grantee, 'sqs', ['kms:Decrypt']);
}
