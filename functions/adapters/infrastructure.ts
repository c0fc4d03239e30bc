import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { dynamoDbDocumentClient, kmsClient, lambdaClient, s3Client, sqsClient } from './aws-clients';
import { type KeyService, KmsKeyService } from './kms/key-service';
import { type ExportStorage, S3ExportStorage } from './s3/export-storage';

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
  /** Export files: `EXPORT_BUCKET` in the function's environment. */
  exportStorage(bucket: string): ExportStorage;
  /**
   * Invokes a function asynchronously (Lambda's `Event` invocation: queued by Lambda, retried, then sent to the
   * function's on-failure destination); resolves once Lambda has accepted the event.
   */
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
}

export function awsInfrastructure(): Infrastructure {
  let documentClient: DynamoDBDocumentClient | undefined;
  let sqs: SQSClient | undefined;
  let lambda: LambdaClient | undefined;
  return {
    get documentClient() {
      return (documentClient ??= dynamoDbDocumentClient());
    },
    get sqs() {
      return (sqs ??= sqsClient());
    },
    keyService: (keyId) => new KmsKeyService(kmsClient(), keyId),
    exportStorage: (bucket) => new S3ExportStorage(s3Client(), bucket),
    async invokeAsync(functionName, payload) {
      lambda ??= lambdaClient();
      const { StatusCode } = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
      );
      if (StatusCode !== 202) throw new Error(`Lambda did not accept the event for ${functionName} (status ${StatusCode})`);
    },
  };
}
