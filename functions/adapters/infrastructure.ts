import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyService } from './kms/key-service';
import type { ExportStorage } from './s3/export-storage';

/**
 * What the functions need from AWS, handed to each function's `dependencies(...)`: on AWS the real services
 * (below), locally the emulators and a local key (local/infrastructure.ts). Each function's dependencies name the
 * part they use (`Pick<Infrastructure, …>`), and its handler wires only that part: the bundle then holds only
 * those SDK clients (the enrichment function no S3, KMS, SQS or Lambda client), which shortens every cold start,
 * and the compiler refuses a handler that wires less than its function uses.
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

/** How a handler makes each part on AWS: the client factories of adapters/aws-clients and the adapters over them. */
export interface AwsServices {
  readonly documentClient: () => DynamoDBDocumentClient;
  readonly sqs: () => SQSClient;
  readonly keyService: (keyId: string) => KeyService;
  readonly exportStorage: (bucket: string) => ExportStorage;
  readonly invokeAsync: (functionName: string, payload: unknown) => Promise<void>;
}

/** The parts of the infrastructure a handler wires; clients are made on first use, once per cold start. */
export function awsInfrastructure<Part extends keyof Infrastructure>(services: Pick<AwsServices, Part>): Pick<Infrastructure, Part> {
  const all = services as Partial<AwsServices>;
  let documentClient: DynamoDBDocumentClient | undefined;
  let sqs: SQSClient | undefined;
  const wired = <T>(make: T | undefined, name: string): T => {
    if (make === undefined) throw new Error(`this function's handler does not wire ${name}`);
    return make;
  };
  const infrastructure: Infrastructure = {
    get documentClient() {
      return (documentClient ??= wired(all.documentClient, 'documentClient')());
    },
    get sqs() {
      return (sqs ??= wired(all.sqs, 'sqs')());
    },
    keyService: (keyId) => wired(all.keyService, 'keyService')(keyId),
    exportStorage: (bucket) => wired(all.exportStorage, 'exportStorage')(bucket),
    invokeAsync: (functionName, payload) => wired(all.invokeAsync, 'invokeAsync')(functionName, payload),
  };
  return infrastructure;
}
