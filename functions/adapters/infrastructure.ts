import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient, kmsClient, sqsClient } from './aws-clients';
import { type KeyService, KmsKeyService } from './kms/key-service';

/**
 * What the functions need from AWS, handed to each function's `dependencies(...)`: on AWS the real services
 * (below), locally the emulators and a local key (local/infrastructure.ts). Clients are made on first use, once
 * per cold start, so a function pays only for the clients it uses.
 */
export interface Infrastructure {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The project key, `KEY_ID` in the function's environment. */
  keyService(keyId: string): KeyService;
}

export function awsInfrastructure(): Infrastructure {
  let documentClient: DynamoDBDocumentClient | undefined;
  let sqs: SQSClient | undefined;
  return {
    get documentClient() {
      return (documentClient ??= dynamoDbDocumentClient());
    },
    get sqs() {
      return (sqs ??= sqsClient());
    },
    keyService: (keyId) => new KmsKeyService(kmsClient(), keyId),
  };
}
