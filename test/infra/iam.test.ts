import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS as FUNCTION_TABLE, type FunctionName } from '../../functions/contracts/functions';
import { keys, LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { projectRoot } from '../../lib/project-root';
import { actionsOf, type Request, RolePolicies, wildcardMatch } from './policy-evaluator';
import { buildApp } from './support';

/**
 * Least privilege, asserted as capabilities ("may ingest put an APIKEY# item?") by evaluating the synthesised
 * statements with their conditions (policy-evaluator.ts), not by pinning JSON: a reordering or a merged statement
 * does not break a test, while a new power, a lost condition or a wider partition does.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resource = { Type: string; Properties: { [key: string]: Json } };

const { stack } = buildApp();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const policies = new RolePolicies(template);

const idOf = (type: string, pathPart: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(pathPart));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${pathPart}, found ${ids.join(', ')}`);
  return ids[0] as string;
};
const QUEUE = `${idOf('AWS::SQS::Queue', 'IngestQueue')}.Arn`;
const DLQ = `${idOf('AWS::SQS::Queue', 'IngestDeadLetterQueue')}.Arn`;
const TABLE = `${template.getResourceId('AWS::DynamoDB::GlobalTable')}.Arn`;
const INDEX = `${TABLE}/index/${LEADS_BY_LAST_SEEN_INDEX}`;
const KEY = `${template.getResourceId('AWS::KMS::Key')}.Arn`;

const NAMES = Object.keys(FUNCTION_TABLE) as FunctionName[];

function roleIdOf(name: FunctionName): string {
  const found = Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties.Environment as { Variables: Record<string, Json> }).Variables.POWERTOOLS_SERVICE_NAME === FUNCTION_TABLE[name].serviceName,
  );
  if (found.length !== 1) throw new Error(`expected one function ${name}`);
  return ((found[0] as Resource).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

const may = (fn: FunctionName, request: Request): boolean => policies.allows(roleIdOf(fn), request);

/** One item request on the table: the action and the partition keys it names (a batch names several). */
const item = (action: string, ...partitionKeys: string[]): Request => ({
  action: `dynamodb:${action}`,
  resource: TABLE,
  context: { 'dynamodb:LeadingKeys': partitionKeys },
});

/** Sample partition keys of each kind of item, built with the contract's own key builders. */
const PARTITION = {
  salt: keys.salt('2026-05-01').pk,
  apiKey: keys.apiKey('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08').pk,
  lead: keys.leadPartition('demo', 'b3c1f0de'),
  audit: keys.auditPartition('demo'),
  cursorKey: 'KEY#cursor#2026-05',
  exportJob: keys.exportJob('demo', '0ee9e3l69s3l361a2krss49iz').pk,
  hidden: keys.hiddenPartition('demo'),
  idempotency: keys.idempotency('demo', 'a1b2c3').pk,
  alertConfig: keys.alertConfigPartition('demo'),
  alertFired: keys.alertFired('demo', 'r1', 'l1').pk,
  alertLog: keys.deliveryLog('demo', 'e1'),
  alertDigest: keys.digestEntries('demo', 'e1'),
  alertPacing: keys.alertPacing('demo', 'e1').pk,
  crm: keys.crmPartition('demo'),
  crmLink: keys.crmLinkPartition('demo'),
  crmAccount: keys.crmAccountPartition('demo', 7),
  session: keys.session('5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8').pk,
  pendingSignIn: keys.pendingSignIn('5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8').pk,
  views: keys.viewsPartition('demo'),
  annotations: keys.annotationsPartition('demo'),
} as const;
type Partition = keyof typeof PARTITION;

const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const ITEM_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem', 'Scan'];
const LEADS_API_SITE_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem', 'BatchWriteItem'];
/** What the CRM functions do to a connection's data: guarded transactions (Put/Delete with a ConditionCheck), batch deletes on disconnect. */
const CRM_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'];
const CRM_DATA = { crm: CRM_ACTIONS, crmLink: CRM_ACTIONS, crmAccount: CRM_ACTIONS };

/**
 * Who may do what to which partition (issue 14). TransactWriteItems is authorised item by item as PutItem and
 * DeleteItem, so the leads API's erasure transactions are covered by its Put and Delete on SITE#.
 */
const TABLE_CAPABILITIES: Record<FunctionName, Partial<Record<Partition, string[]>>> = {
  ingest: { salt: ['GetItem', 'PutItem'] },
  enrichment: { lead: ['GetItem', 'Query', 'PutItem', 'BatchWriteItem'], hidden: ['Query'] },
  // Its own partitions of a site only: never the alert endpoints' secrets, the CRM credentials or the CRM copy.
  leadsApi: {
    lead: LEADS_API_SITE_ACTIONS,
    audit: LEADS_API_SITE_ACTIONS,
    exportJob: LEADS_API_SITE_ACTIONS,
    hidden: LEADS_API_SITE_ACTIONS,
    idempotency: LEADS_API_SITE_ACTIONS,
    salt: ['GetItem'],
    cursorKey: ['GetItem', 'PutItem'],
    crmLink: ['GetItem', 'BatchGetItem', 'Query'],
  },
  // Runs a job (reads it, updates its status) and reads visits; never writes a lead, an audit record or a salt.
  leadExport: { exportJob: ['GetItem', 'UpdateItem'], lead: ['Query'], hidden: ['Query'] },
  authorizer: { apiKey: ['GetItem'], session: ['GetItem'] },
  // Sessions and sign-ins, views and tags; reads a lead only to tag it; an audit record a read; API keys made and
  // revoked by admins over HTTP (written and marked revoked, never read by hash nor deleted).
  dashboard: {
    apiKey: ['PutItem', 'UpdateItem'],
    session: ['DeleteItem', 'GetItem', 'PutItem'],
    pendingSignIn: ['DeleteItem', 'PutItem'],
    views: ['DeleteItem', 'PutItem', 'Query'],
    annotations: ['BatchGetItem', 'PutItem'],
    lead: ['Query'],
    audit: ['PutItem'],
  },
  snippet: {},
  docs: {},
  saltCleanup: { salt: ['DeleteItem'] },
  // Reads rules once a batch, claims firings, logs and queues deliveries, counts a lead's activity beside it.
  alerts: { lead: ['GetItem', 'PutItem'], hidden: ['Query'], alertConfig: ['Query'], alertFired: ['PutItem'], alertLog: ['PutItem'], alertDigest: ['PutItem'], crmLink: ['GetItem'] },
  alertDelivery: { alertConfig: ['GetItem', 'Query', 'UpdateItem'], alertLog: ['GetItem', 'PutItem', 'UpdateItem'], alertDigest: ['Query'], alertPacing: ['GetItem', 'PutItem'] },
  alertsApi: { alertConfig: ['DeleteItem', 'GetItem', 'PutItem', 'Query'], alertLog: ['GetItem', 'PutItem', 'Query', 'UpdateItem'], audit: ['PutItem'] },
  // Reads a lead to push it; never writes one. Writes the audit trail's receipts.
  crmApi: { ...CRM_DATA, lead: ['GetItem', 'Query'], audit: ['PutItem'] },
  crmSync: { ...CRM_DATA, lead: ['GetItem', 'Query'], audit: ['PutItem'] },
};

describe('function roles', () => {
  test.each(NAMES)('%s has its own role with no managed policy', (fn) => {
    const role = resources[roleIdOf(fn)] as Resource;
    expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    const managed = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p) => JSON.stringify(p).includes(`"${roleIdOf(fn)}"`));
    expect(managed).toEqual([]);
  });

  test('no two functions share a role', () => {
    expect(new Set(NAMES.map(roleIdOf)).size).toBe(NAMES.length);
  });

  test.each(NAMES)('%s may write only to its own log group', (fn) => {
    const logStatements = policies.statements(roleIdOf(fn)).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    const fnResource = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Role).includes(`"${roleIdOf(fn)}"`));
    const ownLogGroup = JSON.stringify(fnResource?.Properties.LoggingConfig);
    for (const statement of logStatements) {
      const [logGroupId] = (statement.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(ownLogGroup).toContain(`"${logGroupId}"`);
    }
    expect(policies.statements(roleIdOf(fn)).some((s) => actionsOf(s).some((a) => wildcardMatch(a, 'logs:CreateLogGroup', true)))).toBe(false);
  });
});

describe('the table: actions by partition (dynamodb:LeadingKeys)', () => {
  test.each(NAMES)('%s may do exactly its share, partition by partition', (fn) => {
    for (const partition of Object.keys(PARTITION) as Partition[]) {
      const allowed = ITEM_ACTIONS.filter((action) => may(fn, item(action, PARTITION[partition])));
      expect({ partition, allowed: allowed.sort() }).toEqual({ partition, allowed: [...(TABLE_CAPABILITIES[fn]?.[partition] ?? [])].sort() });
    }
  });

  test('ingest cannot put an API key, a lead or a cursor key, and cannot delete a salt', () => {
    expect(may('ingest', item('PutItem', PARTITION.salt))).toBe(true);
    expect(may('ingest', item('PutItem', PARTITION.apiKey))).toBe(false);
    expect(may('ingest', item('PutItem', PARTITION.lead))).toBe(false);
    expect(may('ingest', item('PutItem', PARTITION.cursorKey))).toBe(false);
    expect(may('ingest', item('DeleteItem', PARTITION.salt))).toBe(false);
  });

  test('a batch is allowed only if every key in it is: enrichment cannot slip a salt into its visit parts', () => {
    expect(may('enrichment', item('BatchWriteItem', PARTITION.lead, keys.leadPartition('demo', 'other')))).toBe(true);
    expect(may('enrichment', item('BatchWriteItem', PARTITION.lead, PARTITION.salt))).toBe(false);
  });

  test('the authoriser reads API keys and sessions only; the salt cleanup only deletes salts', () => {
    expect(may('authorizer', item('GetItem', PARTITION.lead))).toBe(false);
    expect(may('saltCleanup', item('DeleteItem', PARTITION.lead))).toBe(false);
    expect(may('saltCleanup', item('GetItem', PARTITION.salt))).toBe(false);
  });

  // ForAllValues is true for a request that names no partition key (Scan, PartiQL, or any key-less call): so no
  // table statement may hold such an action, and every one must carry the LeadingKeys condition.
  test('no function may Scan or use PartiQL, which name no partition key', () => {
    for (const fn of NAMES) {
      for (const action of ['dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']) {
        expect({ fn, action, allowed: may(fn, { action, resource: TABLE }) }).toEqual({ fn, action, allowed: false });
      }
    }
  });

  test('every statement on the table or its index is limited by dynamodb:LeadingKeys', () => {
    for (const fn of NAMES) {
      // Stream reads (on the table's StreamArn) name no partition key; see the stream test below.
      const onTable = policies
        .statements(roleIdOf(fn))
        .filter((s) => JSON.stringify(s.Resource ?? null).includes(TABLE.split('.')[0] as string))
        .filter((s) => !actionsOf(s).every((action) => STREAM_ACTIONS.includes(action)));
      for (const statement of onTable) {
        expect(Object.keys(statement.Condition?.['ForAllValues:StringLike'] ?? {})).toEqual(['dynamodb:LeadingKeys']);
      }
    }
  });

  test('no function may manage the table (describe, update, delete it, or change its TTL)', () => {
    for (const fn of NAMES) {
      for (const action of ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:DescribeTable']) {
        expect(may(fn, { action, resource: TABLE })).toBe(false);
      }
    }
  });
});

describe('the table stream', () => {
  const STREAM = `${TABLE.split('.')[0]}.StreamArn`;

  test('only the alerts function may read the stream, and only this table\'s', () => {
    for (const fn of NAMES) {
      const allowed = STREAM_ACTIONS.filter((action) => may(fn, { action, resource: STREAM }));
      expect({ fn, allowed }).toEqual({ fn, allowed: fn === 'alerts' ? STREAM_ACTIONS : [] });
    }
    expect(may('alerts', { action: 'dynamodb:GetRecords', resource: '*' })).toBe(false);
  });
});

describe('the index (leadsByLastSeen)', () => {
  const query = (partition: string): Request => ({ action: 'dynamodb:Query', resource: INDEX, context: { 'dynamodb:LeadingKeys': [partition] } });

  test("the leads API may query a site's leads, and not the API keys' partition", () => {
    expect(may('leadsApi', query(keys.siteLeads('demo')))).toBe(true);
    // `APIKEYS` is the API keys' index partition (functions/adapters/dynamodb/api-key-store.ts).
    expect(may('leadsApi', query('APIKEYS'))).toBe(false);
  });

  test("the CRM sync may query a site's leads (to match them), and not the API keys' partition", () => {
    expect(may('crmSync', query(keys.siteLeads('demo')))).toBe(true);
    expect(may('crmSync', query('APIKEYS'))).toBe(false);
  });

  test("the dashboard may query the API keys' partition (key management), and no site's leads", () => {
    expect(may('dashboard', query('APIKEYS'))).toBe(true);
    expect(may('dashboard', query(keys.siteLeads('demo')))).toBe(false);
  });

  test('only the leads API, the export function, the CRM sync and the dashboard may query the index at all', () => {
    expect(may('leadExport', query(keys.siteLeads('demo')))).toBe(true);
    expect(may('leadExport', query('APIKEYS'))).toBe(false);
    for (const fn of NAMES.filter((name) => !['leadsApi', 'leadExport', 'crmSync', 'dashboard'].includes(name))) {
      expect({ fn, allowed: may(fn, { action: 'dynamodb:Query', resource: INDEX }) }).toEqual({ fn, allowed: false });
    }
  });
});

describe('the queues', () => {
  const sqs = (action: string, resource: string): Request => ({ action: `sqs:${action}`, resource });

  test('ingest may send to its queue, and not consume, purge or touch the dead-letter queue', () => {
    expect(may('ingest', sqs('SendMessage', QUEUE))).toBe(true);
    for (const action of ['ReceiveMessage', 'DeleteMessage', 'PurgeQueue']) expect(may('ingest', sqs(action, QUEUE))).toBe(false);
    expect(may('ingest', sqs('SendMessage', DLQ))).toBe(false);
  });

  test('enrichment may consume its queue and send to none', () => {
    expect(may('enrichment', sqs('ReceiveMessage', QUEUE))).toBe(true);
    expect(may('enrichment', sqs('DeleteMessage', QUEUE))).toBe(true);
    expect(may('enrichment', sqs('SendMessage', QUEUE))).toBe(false);
    expect(may('enrichment', sqs('PurgeQueue', QUEUE))).toBe(false);
  });

  test('no other function may use the events queues', () => {
    for (const fn of ['leadsApi', 'authorizer', 'snippet', 'saltCleanup'] as const) {
      for (const resource of [QUEUE, DLQ]) {
        for (const action of ['SendMessage', 'ReceiveMessage']) expect(may(fn, sqs(action, resource))).toBe(false);
      }
    }
  });
});

describe('the project key', () => {
  const direct = (action: string, purpose?: string): Request => ({
    action: `kms:${action}`,
    resource: KEY,
    context: purpose === undefined ? {} : { 'kms:EncryptionContext:purpose': purpose },
  });
  const via = (service: 'dynamodb' | 'sqs', action: string): Request => ({
    action: `kms:${action}`,
    resource: KEY,
    context: { 'kms:ViaService': `${service}.eu-west-1.amazonaws.com` },
  });

  test('ingest mints and unwraps daily salts, for that purpose only', () => {
    expect(may('ingest', direct('GenerateDataKey', KEY_PURPOSES.dailySalt))).toBe(true);
    expect(may('ingest', direct('Decrypt', KEY_PURPOSES.dailySalt))).toBe(true);
    expect(may('ingest', direct('Decrypt', KEY_PURPOSES.cursorKey))).toBe(false);
    expect(may('ingest', direct('Decrypt'))).toBe(false);
    expect(may('ingest', direct('Encrypt', KEY_PURPOSES.dailySalt))).toBe(false);
  });

  test('the leads API unwraps salts but never mints one; it mints and unwraps cursor-signing keys', () => {
    expect(may('leadsApi', direct('Decrypt', KEY_PURPOSES.dailySalt))).toBe(true);
    expect(may('leadsApi', direct('GenerateDataKey', KEY_PURPOSES.dailySalt))).toBe(false);
    expect(may('leadsApi', direct('GenerateDataKey', KEY_PURPOSES.cursorKey))).toBe(true);
    expect(may('leadsApi', direct('Decrypt', KEY_PURPOSES.cursorKey))).toBe(true);
    expect(may('leadsApi', direct('Decrypt'))).toBe(false);
  });

  test('integration secrets: the alerts API seals and cannot open; the delivery function opens and cannot seal', () => {
    expect(may('alertsApi', direct('GenerateDataKey', KEY_PURPOSES.integrationSecret))).toBe(true);
    expect(may('alertsApi', direct('Decrypt', KEY_PURPOSES.integrationSecret))).toBe(false);
    expect(may('alertDelivery', direct('Decrypt', KEY_PURPOSES.integrationSecret))).toBe(true);
    expect(may('alertDelivery', direct('GenerateDataKey', KEY_PURPOSES.integrationSecret))).toBe(false);
    expect(may('alertDelivery', direct('Decrypt', KEY_PURPOSES.dailySalt))).toBe(false);
  });

  test.each(['enrichment', 'authorizer', 'snippet', 'saltCleanup', 'alerts'] as const)('%s cannot call KMS with the key itself', (fn) => {
    for (const action of ['Decrypt', 'GenerateDataKey', 'Encrypt']) {
      for (const purpose of [undefined, ...Object.values(KEY_PURPOSES)]) expect(may(fn, direct(action, purpose))).toBe(false);
    }
  });

  test('DynamoDB may use the key for each function that reads or writes the table; SQS for each queue user', () => {
    for (const fn of ['ingest', 'enrichment', 'leadsApi', 'authorizer', 'saltCleanup'] as const) expect(may(fn, via('dynamodb', 'Decrypt'))).toBe(true);
    expect(may('ingest', via('sqs', 'GenerateDataKey'))).toBe(true);
    expect(may('enrichment', via('sqs', 'Decrypt'))).toBe(true);
    expect(may('leadsApi', via('sqs', 'Decrypt'))).toBe(false);
    expect(may('snippet', via('dynamodb', 'Decrypt'))).toBe(false);
    // The authoriser only reads: DynamoDB needs no data key generated on its behalf.
    expect(may('authorizer', via('dynamodb', 'GenerateDataKey'))).toBe(false);
  });

  test('every encryption purpose the function code uses is one the policies know', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sources(path) : /\.ts$/.test(name) ? [path] : [];
      });
    // The adapters name their purposes as literals (typed KeyPurpose): 'eirlead-daily-salt', 'eirlead-cursor-key'.
    const used = sources(join(projectRoot(), 'functions', 'adapters')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/['"](eirlead-[a-z]+(?:-[a-z]+)*-(?:salt|key))['"]/g)].map((match) => match[1]),
    );
    expect(used).toEqual(expect.arrayContaining([KEY_PURPOSES.dailySalt, KEY_PURPOSES.cursorKey]));
    for (const purpose of used) expect(Object.values(KEY_PURPOSES)).toContain(purpose);
  });
});

describe('wildcards', () => {
  /**
   * Every Allow with Action `*` or Resource `*` in any policy of the template must be listed here, with why.
   * - The key policy's root statement: CloudFormation's default key policy; in a key policy `Resource: *`
   *   means this key, and the statement delegates access control to IAM in this account (the grants above).
   * - CloudWatch's statement: lets alarms publish to the KMS-encrypted alarm topic (Decrypt and GenerateDataKey*
   *   only), limited by aws:SourceAccount and aws:SourceArn to this account's alarms in eu-west-1.
   * - CloudWatch Logs' statement: lets it encrypt and read the log groups with the key, limited by the
   *   encryption context to log groups of this account in eu-west-1 (log-encryption.test.ts).
   */
  const KEY_ID = KEY.split('.')[0] as string;
  const DOCUMENTED = [
    `${KEY_ID} KeyPolicy: kms:* on *`,
    `${KEY_ID} KeyPolicy: kms:Decrypt*,kms:Describe*,kms:Encrypt*,kms:GenerateDataKey*,kms:ReEncrypt* on *`,
    `${KEY_ID} KeyPolicy: kms:Decrypt,kms:GenerateDataKey* on *`,
  ];

  test('only the documented statements use Action * or Resource *', () => {
    type PolicyDocument = { Statement: { Effect: string; Action?: string | string[]; Resource?: Json }[] };
    const documents = Object.entries(resources).flatMap(([id, r]) => {
      const found: { where: string; doc: PolicyDocument }[] = [];
      for (const key of ['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument'] as const) {
        if (r.Properties[key]) found.push({ where: `${id} ${key}`, doc: r.Properties[key] as unknown as PolicyDocument });
      }
      // An IAM role's inline policies (a Cognito user pool's `Policies` is its password policy, no IAM document).
      const inline = r.Type === 'AWS::IAM::Role' ? ((r.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]) : [];
      for (const p of inline) found.push({ where: `${id} Policies`, doc: p.PolicyDocument });
      return found;
    });
    expect(documents.length).toBeGreaterThan(5);
    const wildcards = documents.flatMap(({ where, doc }) =>
      doc.Statement.filter((s) => s.Effect === 'Allow')
        .filter((s) => [s.Action ?? []].flat().includes('*') || JSON.stringify(s.Resource ?? null).includes('"*"'))
        .map((s) => `${where}: ${[s.Action ?? []].flat().join(',')} on ${JSON.stringify(s.Resource)?.replaceAll('"', '')}`),
    );
    expect(wildcards).toEqual(DOCUMENTED);
  });
});
