import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CRM_ENDPOINTS, type CrmEndpoints } from '../../../functions/contracts/deployment-config';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../../local/runtime';
import { addressOf } from './ip-addresses';
import { emulatorEndpoints, uniqueName } from './local-aws';

/** A local runtime whose CRM endpoints point at contract fakes, and what the CRM tests do through its API. */
export const SITE = 'demo';
const ORIGIN = 'http://localhost:8080';
export const VISITOR = { ...addressOf('SAP SE'), userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };

export interface CrmRuntime {
  readonly runtime: LocalRuntime;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> | undefined }>;
  /** A visit of VISITOR's organisation, through ingest and enrichment; answers its lead. */
  visitAndWait(paths: readonly string[], userAgent?: string): Promise<{ leadId: string; organisation: { name: string; domain?: string } }>;
  /**
   * Disconnects; a disconnect that goes on in the background (202, when the machine is slow) is waited out. Answers
   * the API's status and receipt, and the final receipt's details from the audit trail.
   */
  disconnect(connectionId: string): Promise<{ status: number; receipt: Record<string, any> | undefined; final: Record<string, unknown> }>;
  /** Every item of the table under a CRM partition (`SITE#…#CRM…`). */
  crmItems(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** Polls until `probe` answers; generous, because a full run's heaviest tests slow a CRM sync tenfold. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startCrmRuntime(
  endpoints: Partial<CrmEndpoints>,
  options: Pick<LocalRuntimeOptions, 'alertsOutbound' | 'usersFile'> = {},
): Promise<CrmRuntime> {
  const emulators = emulatorEndpoints();
  const name = uniqueName('crm');
  const apiKey = `eirlead_test_${randomUUID().replaceAll('-', '')}`;
  const runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: emulators.dynamoDb, sqsEndpoint: emulators.sqs },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    trustForwardedFor: true,
    apiKey,
    crmEndpoints: { ...CRM_ENDPOINTS, ...endpoints },
    ...options,
    log: () => undefined,
  });
  const dynamoDb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: emulators.dynamoDb });
  const api: CrmRuntime['api'] = async (method, path, body) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
  };
  return {
    runtime,
    api,
    async visitAndWait(paths, userAgent = VISITOR.userAgent) {
      const response = await fetch(`${runtime.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'User-Agent': userAgent, 'X-Forwarded-For': VISITOR.ip },
        body: JSON.stringify({ siteId: SITE, events: paths.map((path) => ({ id: randomUUID(), type: 'pageview', url: `${ORIGIN}${path}`, title: 'Pricing' })) }),
      });
      if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}`);
      return until('the lead', async () => {
        const { body } = await api('GET', `/v1/sites/${SITE}/leads`);
        return (body?.items as { leadId: string; organisation: { name: string; domain?: string } }[] | undefined)?.[0];
      });
    },
    async disconnect(connectionId) {
      const answer = await api('DELETE', `/v1/sites/${SITE}/crm/connections/${connectionId}`);
      const final = await until('the disconnect receipt in the audit trail', async () => {
        const { body } = await api('GET', `/v1/sites/${SITE}/audit?limit=100`);
        const records = (body?.items ?? []) as { action: string; target?: string; details?: Record<string, unknown> }[];
        return records.find((record) => record.action === 'crm.disconnect' && record.target === connectionId)?.details;
      });
      return { status: answer.status, receipt: answer.body, final };
    },
    async crmItems() {
      const found: Record<string, unknown>[] = [];
      let startKey: Record<string, any> | undefined;
      do {
        const page = await dynamoDb.send(new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: startKey }));
        found.push(...(page.Items ?? []).filter((item) => /#CRM/.test(String(item.pk?.S))));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found;
    },
    async stop() {
      await runtime.stop();
      dynamoDb.destroy();
    },
  };
}

/** What a CRM must never receive from Eirlead: the visitor's address, any IP or e-mail address, the User-Agent. */
export function personalDataIn(text: string): string[] {
  const found: string[] = [];
  if (/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/.test(text)) found.push('an IPv4 address');
  if (/\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b/i.test(text.replace(/\d{2}:\d{2}(:\d{2})?/g, ''))) found.push('an IPv6 address');
  if (/[\w.+-]+@[\w-]+\.[\w.]+/.test(text)) found.push('an e-mail address');
  if (text.includes(VISITOR.ip.split('.').slice(0, 3).join('.'))) found.push("the visitor's network");
  if (text.includes(VISITOR.userAgent)) found.push('the User-Agent');
  return found;
}
