import { randomBytes } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CrmJobSchema, type CrmJob } from '../../functions/contracts/crm-job';
import { CRM_ENDPOINTS, crmRuntimeOf, DEFAULT_CRM_CONFIG, DEFAULT_RETENTION } from '../../functions/contracts/deployment-config';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { CrmPusher } from '../../functions/adapters/crm/pusher';
import { CrmSessions } from '../../functions/adapters/crm/sessions';
import { CrmConnectionStore } from '../../functions/adapters/dynamodb/crm-connections';
import { CrmCopyStore } from '../../functions/adapters/dynamodb/crm-copy';
import { CrmLinkStore } from '../../functions/adapters/dynamodb/crm-links';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { LocalKeyService } from '../../functions/adapters/kms/key-service';
import { SecretBox } from '../../functions/adapters/kms/secret-box';
import { CrmJobQueue } from '../../functions/adapters/sqs/crm-jobs';
import { CrmSyncRunner, STOP_MARGIN_MS } from '../../functions/crm-sync/sync-run';
import { createLogger } from '../../functions/platform/logger';
import { HubSpotFake } from '../../scripts/fakes/crm/hubspot-fake';
import { createTestResources, type TestResources } from './support/local-aws';

/**
 * A sync that outlasts its invocation, or meets a CRM that asks to wait longer than a request may, stops with its
 * cursor saved and queues its own continuation (delayed by the CRM's Retry-After); the continuation finishes it
 * without reading a page twice.
 */
jest.setTimeout(120_000);

const TOKEN = 'pat-eu1-resume-test-token-0001';
let resources: TestResources;
let hubspot: HubSpotFake;
let connections: CrmConnectionStore;
let copy: CrmCopyStore;
let runner: CrmSyncRunner;

beforeAll(async () => {
  resources = await createTestResources('crm-resume');
  hubspot = new HubSpotFake();
  const url = await hubspot.start();
  hubspot.tokens.set(TOKEN, ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read']);
  hubspot.createEirleadProperties();
  for (let i = 0; i < 350; i++) hubspot.addCompany({ name: `Firm ${i} SARL` });
  const { doc, tableName } = resources;
  const context = { endpoints: { ...CRM_ENDPOINTS, hubspot: url }, policy: { allowLoopback: true }, maxWaitMs: 2_000 };
  const sessions = new CrmSessions(new SecretBox(new LocalKeyService(randomBytes(32)), KEY_PURPOSES.integrationSecret), context);
  connections = new CrmConnectionStore(doc, tableName);
  copy = new CrmCopyStore(doc, tableName);
  const links = new CrmLinkStore(doc, tableName);
  const leads = new LeadStore(doc, tableName, DEFAULT_RETENTION);
  const runtime = crmRuntimeOf(DEFAULT_CRM_CONFIG, context.endpoints);
  runner = new CrmSyncRunner({
    connections,
    copy,
    links,
    leads,
    sessions,
    pusher: new CrmPusher({ leads, links, retention: DEFAULT_RETENTION, runtime }),
    jobs: new CrmJobQueue(resources.sqs, resources.queues.queueUrl),
    runtime,
    logger: createLogger('crm-sync-test'),
  });
  const verified = await sessions.connectorFor('hubspot', { token: TOKEN }).verify(['lastSeen']);
  const at = new Date().toISOString();
  for (const siteId of ['resume', 'wait']) {
    const { sealed, lastFour } = await sessions.seal(siteId, 'c1', 'hubspot', { token: TOKEN });
    await connections.create({ siteId, connectionId: 'c1', provider: 'hubspot', account: verified.account, state: { ...verified.state }, settings: { fields: ['lastSeen'] }, sealed, lastFour, credentialsSetAt: at, createdAt: at });
  }
});

afterAll(async () => {
  await hubspot?.stop();
  await resources?.destroy();
});

async function nextJob(waitSeconds = 1): Promise<{ job?: CrmJob; delayed: boolean }> {
  const { Messages = [] } = await resources.sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.queues.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: waitSeconds }));
  const message = Messages[0];
  return message ? { job: CrmJobSchema.parse(JSON.parse(message.Body ?? '')), delayed: false } : { delayed: true };
}

test('a run stopped by the time limit continues in the next invocation and reads no page twice', async () => {
  let checks = 0;
  // Time for two pages, then the invocation nears its end.
  await runner.run({ kind: 'sync', siteId: 'resume', connectionId: 'c1', reason: 'api', at: new Date().toISOString() }, () => (++checks <= 2 ? 10 * 60_000 : STOP_MARGIN_MS - 1));
  const paused = await connections.status('resume');
  expect(paused?.lastRun).toMatchObject({ outcome: 'running', phase: 'accounts', read: { accounts: 200 }, invocations: 1 });
  expect(await connections.cursor('resume')).toMatchObject({ phase: 'accounts', read: { accounts: 200 } });

  const { job } = await nextJob();
  expect(job).toMatchObject({ kind: 'continue', siteId: 'resume', reason: 'continuation' });
  const listed = hubspot.server.requests('GET', '/crm/objects/2026-03/companies').length;
  await runner.run(job as CrmJob, () => 10 * 60_000);

  const done = await connections.status('resume');
  expect(done?.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'full', read: { accounts: 350 }, invocations: 2 });
  expect(hubspot.server.requests('GET', '/crm/objects/2026-03/companies').length - listed).toBe(2);
  expect(await copy.all('resume')).toHaveLength(350);
  expect(await connections.cursor('resume')).toBeUndefined();
});

test('a 429 whose Retry-After is longer than a request may wait pauses the run, continued after that wait', async () => {
  hubspot.server.faults.push({ status: 429, headers: { 'Retry-After': '3' }, body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } });
  await runner.run({ kind: 'sync', siteId: 'wait', connectionId: 'c1', reason: 'schedule', at: new Date().toISOString() }, () => 10 * 60_000);
  expect((await connections.status('wait'))?.lastRun).toMatchObject({ outcome: 'paused', read: { accounts: 0 } });
  // SQS holds the continuation back for the CRM's three seconds.
  expect((await nextJob(0)).delayed).toBe(true);
  const { job } = await nextJob(5);
  expect(job).toMatchObject({ kind: 'continue', siteId: 'wait' });
  await runner.run(job as CrmJob, () => 10 * 60_000);
  expect((await connections.status('wait'))?.lastRun).toMatchObject({ outcome: 'succeeded', read: { accounts: 350 } });
});
