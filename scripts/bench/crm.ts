import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CrmJobSchema, type CrmJob } from '../../functions/contracts/crm-job';
import { CRM_ENDPOINTS, crmRuntimeOf, DEFAULT_CRM_CONFIG, DEFAULT_RETENTION } from '../../functions/contracts/deployment-config';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { keys } from '../../functions/contracts/table';
import { CrmPusher } from '../../functions/adapters/crm/pusher';
import { CrmSessions } from '../../functions/adapters/crm/sessions';
import { CrmConnectionStore } from '../../functions/adapters/dynamodb/crm-connections';
import { CrmCopyStore } from '../../functions/adapters/dynamodb/crm-copy';
import { CrmLinkStore } from '../../functions/adapters/dynamodb/crm-links';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { LocalKeyService } from '../../functions/adapters/kms/key-service';
import { SecretBox } from '../../functions/adapters/kms/secret-box';
import { CrmJobQueue } from '../../functions/adapters/sqs/crm-jobs';
import { CrmSyncRunner } from '../../functions/crm-sync/sync-run';
import { createLogger } from '../../functions/platform/logger';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, startSqsEmulator } from '../../local/emulators';
import { ensureQueues, ensureTable } from '../../local/resources';
import { HubSpotFake } from '../fakes/crm/hubspot-fake';
import { type AttributeValue, writeUnits } from './capacity-units';
import { EU_WEST_1_PRICES, unitPrice } from './prices';

/**
 * `npm run bench:crm`: a full sync of COMPANIES HubSpot companies (default 50,000) against the HubSpot contract fake
 * at HubSpot's documented limits (190 requests per 10 s, enforced by the fake with 429s), on DynamoDB Local and the
 * SQS emulator, run as the sync function runs on AWS: invocations of FUNCTIONS.crmSync.timeoutSeconds that stop
 * with a minute to spare and continue from the saved cursor. Prints wall time, invocations, CRM requests, DynamoDB
 * write units (computed from item sizes, as DynamoDB bills a transactional write: twice), the process's peak memory
 * (which includes the fake's own companies), and the monthly cost of the daily sync in eu-west-1.
 */
const COMPANIES = Number(process.env.COMPANIES ?? 50_000);
const TOKEN = 'pat-eu1-bench-token-000000000001';
const SITE = 'bench';
const MB = 1024 * 1024;

/** A document value in DynamoDB's low-level form, for sizing the items as DynamoDB bills them. */
function attributes(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attributes) };
  if (value && typeof value === 'object') return { M: Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined).map(([key, entry]) => [key, attributes(entry)])) };
  return { NULL: true };
}

async function main(): Promise<void> {
  const [dynamoDbLocal, sqsEmulator] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  const hubspot = new HubSpotFake();
  try {
    const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamoDb = new DynamoDBClient({ ...clientConfig, endpoint: dynamoDbLocal.endpoint });
    const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEmulator.endpoint });
    const tableName = 'crm-bench';
    const [queues] = await Promise.all([ensureQueues(sqs, { queueName: 'crm-bench-jobs', deadLetterQueueName: 'crm-bench-jobs-dlq' }), ensureTable(dynamoDb, tableName, () => undefined)]);

    const url = await hubspot.start();
    hubspot.tokens.set(TOKEN, ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read']);
    hubspot.createEirleadProperties();
    for (let i = 0; i < COMPANIES; i++) {
      hubspot.addCompany({ name: `Company ${i} GmbH`, domain: `company${i}.example`, website: `https://www.company${i}.example/`, lifecyclestage: i % 4 === 0 ? 'customer' : 'lead', hubspot_owner_id: String(100 + (i % 40)) });
    }
    for (let i = 0; i < COMPANIES / 10; i++) hubspot.deals.push({ id: `d${i}`, companyId: String(1000 + i * 7), amount: '1000', closed: false, currency: 'EUR' });

    const context = { endpoints: { ...CRM_ENDPOINTS, hubspot: url }, policy: { allowLoopback: true }, maxWaitMs: 20_000 };
    const sessions = new CrmSessions(new SecretBox(new LocalKeyService(randomBytes(32)), KEY_PURPOSES.integrationSecret), context);
    const connections = new CrmConnectionStore(doc, tableName);
    const copy = new CrmCopyStore(doc, tableName);
    const links = new CrmLinkStore(doc, tableName);
    const leads = new LeadStore(doc, tableName, DEFAULT_RETENTION);
    const runtime = crmRuntimeOf(DEFAULT_CRM_CONFIG, context.endpoints);
    const logger = createLogger('crm-bench');
    logger.setLogLevel('WARN');
    const runner = new CrmSyncRunner({ connections, copy, links, leads, sessions, jobs: new CrmJobQueue(sqs, queues.queueUrl), pusher: new CrmPusher({ leads, links, retention: DEFAULT_RETENTION, runtime }), runtime, logger });
    const verified = await sessions.connectorFor('hubspot', { token: TOKEN }).verify(['lastSeen']);
    const { sealed, lastFour } = await sessions.seal(SITE, 'c1', 'hubspot', { token: TOKEN });
    const at = new Date().toISOString();
    await connections.create({ siteId: SITE, connectionId: 'c1', provider: 'hubspot', account: verified.account, state: { ...verified.state }, settings: { fields: ['lastSeen'] }, sealed, lastFour, credentialsSetAt: at, createdAt: at });
    const requestsBefore = hubspot.server.received.length;

    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 100);
    const started = performance.now();
    const timeoutMs = FUNCTIONS.crmSync.timeoutSeconds * 1000;
    let job: CrmJob | undefined = { kind: 'sync', siteId: SITE, connectionId: 'c1', reason: 'api', at };
    let invocations = 0;
    let invokedMs = 0;
    while (job) {
      const deadline = Date.now() + timeoutMs;
      const invoked = performance.now();
      await runner.run(job, () => deadline - Date.now());
      invokedMs += performance.now() - invoked;
      invocations++;
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
      job = Messages[0] ? CrmJobSchema.parse(JSON.parse(Messages[0].Body ?? '')) : undefined;
    }
    const wallMs = performance.now() - started;
    clearInterval(sampler);

    const status = await connections.status(SITE);
    const accounts = await copy.all(SITE);
    // Each account is written once by the accounts phase (and again when its open deals change), in transactions.
    const dealsAccounts = accounts.filter((account) => account.deals).length;
    const unitsOf = (account: (typeof accounts)[number]) => writeUnits({ after: attributes({ ...keys.crmAccount(SITE, account.accountId), ...account, expiresAt: 0 }).M ?? {}, transactional: true });
    const copyUnits = accounts.reduce((sum, account) => sum + unitsOf(account), 0) + accounts.filter((account) => account.deals).reduce((sum, account) => sum + unitsOf(account), 0);
    const prices = EU_WEST_1_PRICES;
    const lambdaGbSeconds = (invokedMs / 1000) * (FUNCTIONS.crmSync.memoryMb / 1024);
    const perFullSync = copyUnits * unitPrice(prices.dynamoDbWriteRequestUnit) + lambdaGbSeconds * unitPrice(prices.lambdaArmGbSecond) + invocations * unitPrice(prices.lambdaRequest) + (invocations + 1) * unitPrice(prices.kmsRequest) + 3 * invocations * unitPrice(prices.sqsStandardRequest);
    const fullSyncsPerMonth = 30 / DEFAULT_CRM_CONFIG.fullSyncEveryDays;
    const result = {
      companies: COMPANIES,
      copied: accounts.length,
      accountsWithOpenDeals: dealsAccounts,
      outcome: status?.lastRun?.outcome,
      wallSeconds: Math.round(wallMs / 100) / 10,
      invocations,
      crmRequests: hubspot.server.received.length - requestsBefore,
      crmRequestsPerSecond: Math.round(((hubspot.server.received.length - requestsBefore) / (wallMs / 1000)) * 10) / 10,
      dynamoDbWriteUnits: copyUnits,
      peakRssMb: Math.round(peakRss / MB),
      peakHeapMb: Math.round(peakHeap / MB),
      lambdaGbSecondsPerFullSync: Math.round(lambdaGbSeconds),
      usdPerFullSync: Math.round(perFullSync * 10_000) / 10_000,
      usdPerMonth: Math.round(perFullSync * fullSyncsPerMonth * 10_000) / 10_000,
      note: `full sync every ${DEFAULT_CRM_CONFIG.fullSyncEveryDays} days (${fullSyncsPerMonth} a month), incremental daily syncs in between read only changed companies; eu-west-1 list prices read ${prices.readOn}; memory includes the fake's ${COMPANIES} companies in the same process`,
    };
    console.log(JSON.stringify(result, null, 2));
    dynamoDb.destroy();
    sqs.destroy();
  } finally {
    await hubspot.stop();
    await Promise.allSettled([dynamoDbLocal.stop(), sqsEmulator.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
