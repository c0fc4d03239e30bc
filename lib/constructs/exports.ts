import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_RETENTION_HOURS } from '../../functions/contracts/api/exports';
import type { Retention } from '../../functions/contracts/deployment-config';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { failureQueue } from './failure-queue';
import { grantKeyViaService } from './key-access';
import { EirleadFunction } from './lambda-function';
import { grantTableAccess, INDEX_PARTITIONS, PARTITIONS } from './table-access';

export interface ExportsProps {
  readonly table: dynamodb.ITableV2;
  /** The project key: encrypts the export files (the bucket's default encryption), the log group and the failure queue. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
}

/**
 * Bulk exports: the bucket export files are written to and the function that writes them, one job per asynchronous
 * invocation from the leads API. The bucket is in the stack's region (eu-west-1, the residency guard checks it),
 * private, TLS only, encrypted with the project key, and keeps a file one day.
 */
export class Exports extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly function: NodejsFunction;
  /** The function's on-failure destination: one message per job that failed after Lambda's retries. */
  public readonly failedJobs: sqs.Queue;

  constructor(scope: Construct, id: string, props: ExportsProps) {
    super(scope, id);
    const { encryptionKey, retention, table } = props;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey,
      // One data key per bucket and period instead of a KMS call per part: cheaper, same key.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Off on purpose: each file is written once and must be gone after a day. With versioning, the lifecycle's
      // expiry would only add a delete marker and keep the data as a noncurrent version, longer than promised.
      versioned: false,
      lifecycleRules: [
        { id: 'ExpireExports', expiration: Duration.hours(EXPORT_RETENTION_HOURS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Files live a day; deleting the stack leaves the (then empty or soon empty) bucket to no one.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const rule of ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled']) {
      Validations.of(this.bucket).acknowledge({
        id: rule,
        reason:
          "Server access logs would record each downloader's IP address and user agent, which this design stores nowhere, in a second bucket with its own retention. Who may download is recorded instead: every download link is issued by the leads API and audited (export.read, with the API key and the export), and links expire after 15 minutes.",
      });
    }
    Validations.of(this.bucket).acknowledge({
      id: 'NIST.800.53.R5-S3BucketVersioningEnabled',
      reason:
        'Versioning would keep every expired export as a noncurrent version past its one-day lifecycle: personal data kept longer than promised. Files are written once and never overwritten, so versions protect nothing.',
    });
    Validations.of(this.bucket).acknowledge({
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason: 'Replication would copy visitor data out of eu-west-1 (the residency guard refuses it); exports are throw-away copies of the table, which has PITR.',
    });

    this.failedJobs = failureQueue(this, 'FailedJobs', encryptionKey, retention.dlqRetentionDays, 'the export function (the job is also marked failed)');
    this.function = new EirleadFunction(this, 'Function', {
      name: 'leadExport',
      encryptionKey,
      // Lambda retries a failed job twice (the job is marked failed meanwhile, and a retry picks it up again); an
      // export older than an hour is not worth starting any more, the caller will have created a new one.
      invocation: { type: 'async', onFailure: this.failedJobs, retryAttempts: 2, maxEventAge: Duration.hours(1) },
      // A few exports at once are plenty for a customer's team; each reads the index at full speed, and more at
      // once would compete with the leads API for the table's capacity.
      concurrency: { reserved: 2 },
      logRetentionDays: retention.logRetentionDays,
      environment: { TABLE_NAME: table.tableName, RETENTION: retention, EXPORT_BUCKET: this.bucket.bucketName },
    }).function;
    grantTableAccess(this.function, table, {
      items: [
        // Run the job: read it, mark it running, succeeded or failed.
        { actions: ['GetItem', 'UpdateItem'], partitions: [PARTITIONS.exportJob] },
        // A lead's visits, when the export includes them; the site's hidden organisations, left out as in the list.
        { actions: ['Query'], partitions: [PARTITIONS.lead, PARTITIONS.hidden] },
      ],
      indexQuery: { indexName: LEADS_BY_LAST_SEEN_INDEX, partitions: [INDEX_PARTITIONS.siteLeads] },
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [this.bucket.arnForObjects('*')] }),
    );
    // S3 encrypts with the bucket key on the function's behalf; multipart uploads need Decrypt as well.
    grantKeyViaService(encryptionKey, this.function, 's3', ['kms:GenerateDataKey', 'kms:Decrypt']);
    this.acknowledgeObjectWildcard(this.function, 'Writes export files, each under a new random key, in this one bucket only.');
  }

  /** Lets the leads API start jobs and hand out download links (pre-signed GETs, signed with its own role). */
  grantStartAndDownload(api: NodejsFunction): void {
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] }));
    grantKeyViaService(this.bucket.encryptionKey as kms.IKey, api, 's3', ['kms:Decrypt']);
    this.acknowledgeObjectWildcard(api, 'Pre-signs downloads of export files, each under a random key, in this one bucket only; every link is audited.');
  }

  /** cdk-nag's IAM5 on `<bucket>/*`, the objects of this one bucket, on the role that holds it. */
  private acknowledgeObjectWildcard(fn: NodejsFunction, reason: string): void {
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    if (policy) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason });
  }
}
