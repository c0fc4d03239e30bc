import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CrmJobSchema, type CrmJob } from '../../functions/contracts/crm-job';
import { keys, nowEpochSeconds } from '../../functions/contracts/table';
import { AuditLog } from '../../functions/adapters/dynamodb/audit-log';
import { CrmErasure, NO_DELETIONS } from '../../functions/adapters/dynamodb/crm-erasure';
import { CrmJobQueue } from '../../functions/adapters/sqs/crm-jobs';
import { CrmErasureRun } from '../../functions/crm-sync/erase-run';
import { createLogger } from '../../functions/platform/logger';
import { createTestResources, type TestResources } from './support/local-aws';

/**
 * A disconnect whose copy is too large for the API request: the API deletes until its deadline and queues an
 * `erase` job; the sync function goes on from what is left, part by part, and the part that deletes the connection
 * records the one receipt, with the counts of every part, in the audit trail.
 */
jest.setTimeout(120_000);

const SITE = 'erase';
const ACCOUNTS = 300;
let resources: TestResources;
let erasure: CrmErasure;
let eraser: CrmErasureRun;

async function seedConnection(): Promise<void> {
  const { doc, tableName } = resources;
  const expiresAt = nowEpochSeconds() + 86_400;
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.crmItem(SITE, 'CONNECTION'), connectionId: 'c1', provider: 'hubspot', status: 'deleting', expiresAt } }));
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.crmItem(SITE, 'STATUS'), status: {}, expiresAt } }));
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.crmItem(SITE, 'PUSH#lead-1'), expiresAt } }));
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.crmLink(SITE, 'lead-1'), view: {}, expiresAt } }));
  const items = Array.from({ length: ACCOUNTS }, (_, i) => ({ ...keys.crmAccount(SITE, `acct-${i}`), name: `Firm ${i}`, expiresAt }));
  for (let start = 0; start < items.length; start += 25) {
    await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

async function crmItemsLeft(): Promise<number> {
  const { doc, tableName } = resources;
  const partitions = [keys.crmPartition(SITE), keys.crmLinkPartition(SITE), ...Array.from({ length: 16 }, (_, shard) => keys.crmAccountPartition(SITE, shard))];
  const counts = await Promise.all(
    partitions.map(async (pk) => (await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Select: 'COUNT' }))).Count ?? 0),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

async function nextJob(): Promise<CrmJob> {
  const { Messages } = await resources.sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.queues.queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
  await resources.sqs.send(new DeleteMessageCommand({ QueueUrl: resources.queues.queueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
  return CrmJobSchema.parse(JSON.parse(String(Messages?.[0]?.Body)));
}

beforeAll(async () => {
  resources = await createTestResources('crm-disconnect');
  const { doc, tableName } = resources;
  // A clock that moves a millisecond each time the deletion looks at it (once a batch of 25): deadlines in batches.
  let ticks = Date.now();
  erasure = new CrmErasure(doc, tableName, () => ticks++);
  eraser = new CrmErasureRun({ erasure, audit: new AuditLog(doc, tableName, 30), jobs: new CrmJobQueue(resources.sqs, resources.queues.queueUrl), logger: createLogger('crm-erase-test') });
  await seedConnection();
});
afterAll(async () => resources?.destroy());

describe('a disconnect too large for one request', () => {
  it('stops at its deadline, then finishes in parts, each carrying the counts so far, with one receipt at the end', async () => {
    // The API's request ran out of time at once: nothing deleted, the connection (without credentials) still there.
    const inRequest = await erasure.deleteEverything(SITE, erasure.nowMs());
    expect(inRequest).toEqual({ deleted: NO_DELETIONS, done: false });
    expect(await crmItemsLeft()).toBe(ACCOUNTS + 4);

    const job: CrmJob = {
      kind: 'erase',
      siteId: SITE,
      connectionId: 'c1',
      reason: 'api',
      erasure: { keyId: 'key-1', provider: 'hubspot', tokenRevoked: 'not-supported', deleted: NO_DELETIONS },
      at: new Date().toISOString(),
    };
    // An invocation with five batches' time before its safety margin: part of the copy, then the rest queued.
    await eraser.run(job, () => 60_000 + 5);
    const continuation = await nextJob();
    expect(continuation).toMatchObject({ kind: 'erase', reason: 'continuation', erasure: { keyId: 'key-1' } });
    const firstPart = continuation.erasure?.deleted.accounts ?? 0;
    expect(firstPart).toBeGreaterThan(0);
    expect(firstPart).toBeLessThan(ACCOUNTS);
    expect(await crmItemsLeft()).toBe(ACCOUNTS + 4 - firstPart);

    await eraser.run(continuation, () => 300_000);
    expect(await crmItemsLeft()).toBe(0);
    const audit = await new AuditLog(resources.doc, resources.tableName, 30).list(SITE, 10);
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ action: 'crm.disconnect', target: 'c1', details: { accounts: ACCOUNTS, links: 1, pushRecords: 1, other: 2, tokenRevoked: 'not-supported' } });

    // The same job delivered again finds nothing to delete and records no second receipt.
    await eraser.run(continuation, () => 300_000);
    expect((await new AuditLog(resources.doc, resources.tableName, 30).list(SITE, 10)).items).toHaveLength(1);
  });
});
