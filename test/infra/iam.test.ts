import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from './support';

/**
 * Least privilege, asserted as capabilities ("may ingest receive from the queue?") rather than exact action
 * lists, so a harmless reordering or an added read-only action does not break the test, while a new power does.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resource = { Type: string; Properties: { [key: string]: Json } };
type Statement = { Effect: string; Action?: string | string[]; Resource?: Json; Principal?: Json };
type PolicyDocument = { Statement: Statement[] };

const { stack } = buildApp();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;

const idOf = (type: string, pathPart: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(pathPart));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${pathPart}, found ${ids.join(', ')}`);
  return ids[0] as string;
};
const QUEUE = idOf('AWS::SQS::Queue', 'IngestQueue');
const DLQ = idOf('AWS::SQS::Queue', 'IngestDeadLetterQueue');
const TABLE = template.getResourceId('AWS::DynamoDB::GlobalTable');
const KEY = template.getResourceId('AWS::KMS::Key');

const FUNCTIONS = {
  ingest: 'eirlead-ingest',
  enrichment: 'eirlead-enrichment',
  leadsApi: 'eirlead-leads-api',
  authorizer: 'eirlead-authorizer',
} as const;
type FunctionName = keyof typeof FUNCTIONS;

function functionResource(name: FunctionName): Resource {
  const found = Object.values(resources).filter((resource) => {
    if (resource.Type !== 'AWS::Lambda::Function') return false;
    const env = resource.Properties.Environment as { Variables: Record<string, Json> };
    return env.Variables.POWERTOOLS_SERVICE_NAME === FUNCTIONS[name];
  });
  if (found.length !== 1) throw new Error(`expected one function ${FUNCTIONS[name]}`);
  return found[0] as Resource;
}

function roleIdOf(name: FunctionName): string {
  const role = functionResource(name).Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** Allow statements of every policy attached to a role, inline or separate. */
function allowStatements(roleId: string): Statement[] {
  const role = resources[roleId] as Resource;
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).map((p) => p.PolicyDocument);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
    .filter((r) => JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`))
    .map((r) => r.Properties.PolicyDocument as unknown as PolicyDocument);
  return [...inline, ...attached].flatMap((doc) => doc.Statement).filter((s) => s.Effect === 'Allow');
}

const actionsOf = (statement: Statement): string[] => [statement.Action ?? []].flat();

/** IAM action matching: `kms:GenerateDataKey*` grants `kms:GenerateDataKey`, `*` grants everything. */
function grants(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/** Does the statement's resource cover the resource with this logical id (or everything)? */
const covers = (statement: Statement, logicalId: string | undefined): boolean => {
  const resource = JSON.stringify(statement.Resource ?? null);
  return resource === '"*"' || resource.includes('"*"') || logicalId === undefined || resource.includes(`"${logicalId}"`);
};

/** May `fn` perform `action`, on the resource with `logicalId` if given, on anything otherwise? */
function may(fn: FunctionName, action: string, logicalId?: string): boolean {
  return allowStatements(roleIdOf(fn)).some(
    (statement) => actionsOf(statement).some((pattern) => grants(pattern, action)) && covers(statement, logicalId),
  );
}

/**
 * What a function that writes a CMK-encrypted table and consumes a CMK-encrypted queue needs from KMS, as CDK
 * grants it. Anything beyond that is direct use of the key, e.g. minting the daily salts, which only ingest does.
 */
let encryptionOnly: Set<string> | undefined;
function encryptionOnlyKms(): Set<string> {
  if (encryptionOnly) return encryptionOnly;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const reference = new Stack(app, 'Reference', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(reference, 'Key');
  const table = new dynamodb.TableV2(reference, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
  });
  const queue = new sqs.Queue(reference, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
  const fn = new lambda.Function(reference, 'Fn', {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = () => {}'),
  });
  table.grantReadWriteData(fn);
  queue.grantConsumeMessages(fn);
  encryptionOnly = new Set(
    Object.values(Template.fromStack(reference).findResources('AWS::IAM::Policy'))
      .flatMap((p) => (p.Properties.PolicyDocument as PolicyDocument).Statement)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('kms:')),
  );
  return encryptionOnly;
}

const TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
const TABLE_DELETES = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable'];
const QUEUE_CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:DeleteMessageBatch', 'sqs:PurgeQueue'];

describe('function roles', () => {
  test.each(Object.keys(FUNCTIONS) as FunctionName[])('%s has its own role with no managed policy', (fn) => {
    const role = resources[roleIdOf(fn)] as Resource;
    expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    const managed = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p) =>
      JSON.stringify(p).includes(`"${roleIdOf(fn)}"`),
    );
    expect(managed).toEqual([]);
  });

  test('no two functions share a role', () => {
    const roles = (Object.keys(FUNCTIONS) as FunctionName[]).map(roleIdOf);
    expect(new Set(roles).size).toBe(roles.length);
  });

  test.each(Object.keys(FUNCTIONS) as FunctionName[])('%s may write only to its own log group', (fn) => {
    const logStatements = allowStatements(roleIdOf(fn)).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    const ownLogGroup = JSON.stringify(functionResource(fn).Properties.LoggingConfig);
    for (const statement of logStatements) {
      const [logGroupId] = (statement.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(ownLogGroup).toContain(`"${logGroupId}"`);
    }
    expect(may(fn, 'logs:CreateLogGroup')).toBe(false);
  });
});

describe('ingest', () => {
  test('may send to its queue', () => {
    expect(may('ingest', 'sqs:SendMessage', QUEUE)).toBe(true);
  });

  test('may not consume, purge or touch the dead-letter queue', () => {
    for (const action of QUEUE_CONSUME) expect([action, may('ingest', action)]).toEqual([action, false]);
    expect(may('ingest', 'sqs:SendMessage', DLQ)).toBe(false);
  });

  test('may generate and decrypt data keys with the project key (daily salts)', () => {
    expect(may('ingest', 'kms:GenerateDataKey', KEY)).toBe(true);
    expect(may('ingest', 'kms:Decrypt', KEY)).toBe(true);
  });

  test('may read and store salts in the table', () => {
    expect(may('ingest', 'dynamodb:GetItem', TABLE)).toBe(true);
    expect(may('ingest', 'dynamodb:PutItem', TABLE)).toBe(true);
  });

  test('may never delete from the table', () => {
    for (const action of TABLE_DELETES) expect([action, may('ingest', action)]).toEqual([action, false]);
  });
});

describe('enrichment', () => {
  test('may consume its queue', () => {
    expect(may('enrichment', 'sqs:ReceiveMessage', QUEUE)).toBe(true);
    expect(may('enrichment', 'sqs:DeleteMessage', QUEUE)).toBe(true);
  });

  test('may not send to any queue', () => {
    expect(may('enrichment', 'sqs:SendMessage')).toBe(false);
  });

  test('may write visits and leads', () => {
    expect(may('enrichment', 'dynamodb:PutItem', TABLE)).toBe(true);
    expect(may('enrichment', 'dynamodb:UpdateItem', TABLE)).toBe(true);
  });

  test('uses the key only as far as table and queue encryption need; it does not handle salts', () => {
    const enrichmentKms = allowStatements(roleIdOf('enrichment'))
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('kms:'));
    expect(enrichmentKms.filter((action) => !encryptionOnlyKms().has(action))).toEqual([]);
    const env = (functionResource('enrichment').Properties.Environment as { Variables: Record<string, Json> }).Variables;
    expect(env.KEY_ID).toBeUndefined();
  });
});

describe('authoriser', () => {
  test('may read the table (key lookup)', () => {
    expect(may('authorizer', 'dynamodb:GetItem', TABLE)).toBe(true);
  });

  test('may not write or delete anything in the table', () => {
    for (const action of [...TABLE_WRITES, ...TABLE_DELETES]) expect([action, may('authorizer', action)]).toEqual([action, false]);
  });

  test('may not encrypt with the key, touch the queue or mint data keys', () => {
    expect(may('authorizer', 'kms:Encrypt')).toBe(false);
    expect(may('authorizer', 'kms:GenerateDataKey')).toBe(false);
    expect(may('authorizer', 'sqs:SendMessage')).toBe(false);
  });
});

describe('leads API', () => {
  test('may read, erase leads and write audit records', () => {
    expect(may('leadsApi', 'dynamodb:Query', TABLE)).toBe(true);
    expect(may('leadsApi', 'dynamodb:DeleteItem', TABLE)).toBe(true);
    expect(may('leadsApi', 'dynamodb:PutItem', TABLE)).toBe(true);
  });

  test('may not touch the queues, and uses the key only as table encryption needs', () => {
    expect(may('leadsApi', 'sqs:SendMessage')).toBe(false);
    expect(may('leadsApi', 'sqs:ReceiveMessage')).toBe(false);
    const leadsApiKms = allowStatements(roleIdOf('leadsApi'))
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('kms:'));
    expect(leadsApiKms.filter((action) => !encryptionOnlyKms().has(action))).toEqual([]);
  });
});

describe('wildcards', () => {
  /**
   * Every Allow with Action `*` or Resource `*` in any policy of the template must be listed here, with why.
   * - The key policy's root statement: CloudFormation's default key policy; in a key policy `Resource: *`
   *   means this key, and the statement delegates access control to IAM in this account (the grants above).
   * - CloudWatch's statement: lets alarms publish to the KMS-encrypted alarm topic (Decrypt and GenerateDataKey*
   *   only), limited by aws:SourceAccount and aws:SourceArn to this account's alarms in eu-west-1.
   */
  const DOCUMENTED = [`${KEY} KeyPolicy: kms:* on *`, `${KEY} KeyPolicy: kms:Decrypt,kms:GenerateDataKey* on *`];

  test('only the documented statements use Action * or Resource *', () => {
    const documents: { where: string; doc: PolicyDocument }[] = Object.entries(resources).flatMap(([id, r]) => {
      const found: { where: string; doc: PolicyDocument }[] = [];
      for (const key of ['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument'] as const) {
        if (r.Properties[key]) found.push({ where: `${id} ${key}`, doc: r.Properties[key] as unknown as PolicyDocument });
      }
      for (const p of (r.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]) {
        found.push({ where: `${id} Policies`, doc: p.PolicyDocument });
      }
      return found;
    });
    expect(documents.length).toBeGreaterThan(5);
    const wildcards = documents.flatMap(({ where, doc }) =>
      doc.Statement.filter((s) => s.Effect === 'Allow')
        .filter((s) => actionsOf(s).includes('*') || JSON.stringify(s.Resource ?? null).includes('"*"'))
        .map((s) => `${where}: ${actionsOf(s).join(',')} on ${JSON.stringify(s.Resource)?.replaceAll('"', '')}`),
    );
    expect(wildcards).toEqual(DOCUMENTED);
  });
});
