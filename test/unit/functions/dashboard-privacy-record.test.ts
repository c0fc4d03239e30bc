import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { App } from 'aws-cdk-lib';
import { ROLE_SCOPES, SESSION_COOKIE } from '../../../functions/contracts/api/dashboard';
import { DEFAULT_RETENTION } from '../../../functions/contracts/deployment-config';
import { ApiKeyStore } from '../../../functions/adapters/dynamodb/api-key-store';
import { AnnotationStore } from '../../../functions/adapters/dynamodb/annotation-store';
import { AuditLog } from '../../../functions/adapters/dynamodb/audit-log';
import { LeadStore } from '../../../functions/adapters/dynamodb/lead-store';
import { SessionStore } from '../../../functions/adapters/dynamodb/session-store';
import { ViewStore } from '../../../functions/adapters/dynamodb/view-store';
import { createHandler } from '../../../functions/dashboard/app';
import { markdownToHtml } from '../../../functions/dashboard/markdown';
import { createLogger } from '../../../functions/platform/logger';
import { loadConfig } from '../../../lib/config';
import { privacyReport } from '../../../scripts/ops/privacy-report';
import { apiEvent, lambdaContext } from '../support/events';

/**
 * The record of processing page (GET /privacy-record): the Markdown of `npm run privacy:report` rendered as HTML a
 * data-protection officer reads, for signed-in people only.
 */

const dynamodb = mockClient(DynamoDBDocumentClient);
const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
const config = loadConfig(new App({ context: cdkContext }).node);
const report = privacyReport(config);
const TOKEN = 'A'.repeat(43);

const refused = { kind: 'refused', reason: 'credentials', message: 'not in this test' } as const;

function handler() {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  const manifest = { entry: { script: 'main-1.js', style: 'app-1.css', preload: [] }, files: {}, documents: {} };
  return createHandler({
    assets: { manifest, get: () => undefined, privacyReport: report },
    identity: { name: 'test', signIn: async () => refused, answer: async () => refused },
    sessions: new SessionStore(doc, 'eirlead'),
    views: new ViewStore(doc, 'eirlead', 30),
    annotations: new AnnotationStore(doc, 'eirlead', 30),
    leads: new LeadStore(doc, 'eirlead', DEFAULT_RETENTION),
    apiKeys: new ApiKeyStore(doc, 'eirlead'),
    audit: new AuditLog(doc, 'eirlead', 30),
    sites: [],
    retention: DEFAULT_RETENTION,
    logger: createLogger('test'),
  });
}

const request = (cookie?: string) =>
  handler()(apiEvent({ httpMethod: 'GET', resource: '/privacy-record', path: '/privacy-record', headers: cookie ? { cookie } : {} }), lambdaContext);

beforeEach(() => dynamodb.reset());

describe('markdownToHtml', () => {
  it('renders headings, tables with header cells, lists, quotes and inline code', () => {
    const html = markdownToHtml('# Title\n\n| Data | Kept |\n|---|---|\n| Visit `SITE#x` | 90 days |\n\n- one\n- two\n\n> quoted _text_\n');
    expect(html).toContain('<h1 id="record-1">Title</h1>');
    expect(html).toContain('<caption>Title</caption><thead><tr><th scope="col">Data</th><th scope="col">Kept</th></tr></thead>');
    expect(html).toContain('<tr><th scope="row">Visit <code>SITE#x</code></th><td>90 days</td></tr>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<blockquote><p>quoted <em>text</em></p></blockquote>');
    expect(html).not.toContain('|---');
  });

  it('escapes markup in the text, so a configured value can never become HTML', () => {
    const html = markdownToHtml('| | |\n|---|---|\n| Websites | <script>alert(1)</script> "x" |\n\nA <img src=x onerror=y> paragraph');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot;');
    // The key–value table (empty header row) has no empty header; each row is headed by its key.
    expect(html).not.toContain('<thead>');
    expect(html).toContain('<th scope="row">Websites</th>');
  });

  it('leaves underscores inside words and code alone', () => {
    expect(markdownToHtml('use `eirlead_org_id` and LOCAL_API_KEY')).toBe('<p>use <code>eirlead_org_id</code> and LOCAL_API_KEY</p>');
  });
});

describe('GET /privacy-record', () => {
  it('sends anyone without a session to the sign-in page, reading nothing else', async () => {
    const result = await request();
    expect(result).toMatchObject({ statusCode: 303, headers: { Location: 'sign-in' } });
    expect(result.body).toBe('');
  });

  it.each(['viewer', 'sales', 'admin'] as const)('shows a %s the whole record and the privacy notice, rendered, under the strict CSP', async (role) => {
    dynamodb.on(GetCommand).resolves({
      Item: { userId: 'u-1', role, sites: ['demo'], scopes: [...ROLE_SCOPES[role]], localOnly: false, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    });
    const result = await request(`${SESSION_COOKIE}=${TOKEN}`);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Security-Policy']).toContain("script-src 'self'");
    expect(result.body).not.toContain('<script');
    expect(result.body).toContain('<h1 id="record-1">Record of processing activities — Eirlead website visitor identification</h1>');
    expect(result.body).toMatch(/<th scope="row">Full IP address<\/th><td>ingest function memory only<\/td><td>never stored, never logged<\/td>/);
    expect(result.body).toContain(`<td>${config.retention.visitDays} days after each page view`);
    expect(result.body).toContain('<blockquote><p>When you visit this website, we use Eirlead');
    // Every fact comes from the report: each of its table rows appears, rendered.
    const lines = report.split('\n');
    const rows = lines.filter((line, index) => line.startsWith('| ') && !(lines[index + 1] ?? '').startsWith('|-'));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(result.body).toContain(markdownToHtml(`| a | b |\n|---|---|\n${row}`).replace(/^.*<tbody>|<\/tbody>.*$/g, ''));
  });

  it('refuses an ended session (not in the table) like no session', async () => {
    dynamodb.on(GetCommand).resolves({});
    expect((await request(`${SESSION_COOKIE}=${TOKEN}`)).statusCode).toBe(303);
  });
});
