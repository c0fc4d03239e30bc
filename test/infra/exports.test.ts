import { Template } from 'aws-cdk-lib/assertions';
import { EXPORT_RETENTION_HOURS } from '../../functions/contracts/api/exports';
import { FUNCTIONS, type FunctionName } from '../../functions/contracts/functions';
import { residencyFindings } from '../../lib/guards/residency';
import { RolePolicies } from './policy-evaluator';
import { buildApp } from './support';

/**
 * Exports (issue 19): a private, TLS-only bucket in eu-west-1, encrypted with the project key, that keeps a file at
 * most a day; a function that may write there and nowhere else, invoked asynchronously with an on-failure
 * destination; the leads API may start it and read (pre-sign) export files, nothing more.
 */
const template = Template.fromStack(buildApp().stack);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket')) as [string];
const keyId = template.getResourceId('AWS::KMS::Key');
const policies = new RolePolicies(template);

function functionIdOf(name: FunctionName): string {
  const [id] = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment).includes(`"${FUNCTIONS[name].serviceName}"`))
    .map(([found]) => found);
  if (!id) throw new Error(`no function ${name}`);
  return id;
}
const roleOf = (name: FunctionName) => (resources[functionIdOf(name)]?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const may = (name: FunctionName, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
  policies.allows(roleOf(name), { action, resource, context });
const OBJECT = `${bucketId}.Arn/demo/0ee9e3l69s3l361a2krss49iz.csv`;

test('there is one bucket, and it is the export bucket', () => {
  expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual([bucketId]);
  expect(bucketId).toMatch(/^ExportsBucket/);
});

test('the bucket blocks public access, is encrypted with the project key (bucket key), has no versioning and no replication', () => {
  expect(resources[bucketId]?.Properties).toMatchObject({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ],
    },
  });
  expect(resources[bucketId]?.Properties.VersioningConfiguration).toBeUndefined();
  expect(resources[bucketId]?.Properties.ReplicationConfiguration).toBeUndefined();
  expect(residencyFindings(template.toJSON())).toEqual([]);
});

test('a file is deleted at most a day after it was written, and so are unfinished uploads', () => {
  const rules = (resources[bucketId]?.Properties.LifecycleConfiguration as { Rules: { ExpirationInDays?: number; Status: string; AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number } }[] }).Rules;
  expect(EXPORT_RETENTION_HOURS).toBeLessThanOrEqual(24);
  expect(rules).toEqual([expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]);
});

test('the bucket refuses plain HTTP', () => {
  const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p).includes(`"${bucketId}"`));
  expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
});

test('the export function is invoked asynchronously: two retries within an hour, then its FailedJobs queue', () => {
  const [failedJobs] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.startsWith('ExportsFailedJobs'));
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: functionIdOf('leadExport') },
    MaximumRetryAttempts: 2,
    MaximumEventAgeInSeconds: 3600,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failedJobs, 'Arn'] } } },
  });
});

test('the export function writes export files (the key through S3 only) and cannot read them back or delete them', () => {
  expect(may('leadExport', 's3:PutObject', OBJECT)).toBe(true);
  expect(may('leadExport', 's3:GetObject', OBJECT)).toBe(false);
  expect(may('leadExport', 's3:DeleteObject', OBJECT)).toBe(false);
  const keyArn = `${keyId}.Arn`;
  expect(may('leadExport', 'kms:GenerateDataKey', keyArn, { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' })).toBe(true);
  expect(may('leadExport', 'kms:GenerateDataKey', keyArn)).toBe(false);
  // Not for any purpose of its own: it cannot unwrap a salt or a cursor key.
  expect(may('leadExport', 'kms:Decrypt', keyArn, { 'kms:EncryptionContext:purpose': 'eirlead-daily-salt' })).toBe(false);
  expect(may('leadExport', 'kms:Decrypt', keyArn, { 'kms:EncryptionContext:purpose': 'eirlead-cursor-key' })).toBe(false);
});

test('the leads API may start an export and pre-sign downloads, but not write or delete export files', () => {
  expect(may('leadsApi', 'lambda:InvokeFunction', `${functionIdOf('leadExport')}.Arn`)).toBe(true);
  expect(may('leadsApi', 'lambda:InvokeFunction', `${functionIdOf('enrichment')}.Arn`)).toBe(false);
  expect(may('leadsApi', 's3:GetObject', OBJECT)).toBe(true);
  expect(may('leadsApi', 's3:PutObject', OBJECT)).toBe(false);
  expect(may('leadsApi', 's3:DeleteObject', OBJECT)).toBe(false);
  expect(may('leadsApi', 'kms:Decrypt', `${keyId}.Arn`, { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' })).toBe(true);
});

test('no other function may touch export files', () => {
  for (const name of (Object.keys(FUNCTIONS) as FunctionName[]).filter((n) => n !== 'leadExport' && n !== 'leadsApi')) {
    expect({ name, get: may(name, 's3:GetObject', OBJECT), put: may(name, 's3:PutObject', OBJECT) }).toEqual({ name, get: false, put: false });
  }
});
