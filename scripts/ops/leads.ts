import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import {
  allLeads,
  createEirleadClient,
  EirleadApiError,
  type EirleadClient,
  type Lead,
  type LeadFilters,
  waitForExport,
} from '../../clients/typescript';

const USAGE = `Leads from the Eirlead API, in a terminal (through the typed client, clients/typescript):

  npm run leads -- list   [filters] [--limit N] [--cursor C] [--all] [--json]
  npm run leads -- get    <leadId> [--json]
  npm run leads -- export [filters] [--format csv|ndjson] [--visits] [--out FILE]
  npm run leads -- hide   --asn N | --domain example.com | --name "Org name"   (gone from the list and exports)
  npm run leads -- hidden [--json]            the hidden organisations
  npm run leads -- show   <hiddenId>          show a hidden organisation again

  filters: --since ISO --until ISO --country DE --class business --confidence high
           --min-visits N --min-pageviews N --path /pricing
  where:   --url (EIRLEAD_URL; default http://127.0.0.1:3000, the local runtime; or a stack's ApiUrl output)
           --key (EIRLEAD_API_KEY, else LOCAL_API_KEY) --site (EIRLEAD_SITE; default demo)
  Exit codes: 0 done, 1 the API refused or failed (its message and request id are printed), 2 usage.`;

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  site: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  country: { type: 'string' },
  class: { type: 'string' },
  confidence: { type: 'string' },
  'min-visits': { type: 'string' },
  'min-pageviews': { type: 'string' },
  path: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  format: { type: 'string', default: 'csv' },
  visits: { type: 'boolean', default: false },
  out: { type: 'string' },
  asn: { type: 'string' },
  domain: { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

/** Runs one command; the exit code it should end with. */
export async function runLeadsCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    const apiKey = values.key ?? io.env.EIRLEAD_API_KEY ?? io.env.LOCAL_API_KEY;
    if (!apiKey) throw new UsageError('no API key: pass --key or set EIRLEAD_API_KEY');
    const baseUrl = values.url ?? io.env.EIRLEAD_URL ?? 'http://127.0.0.1:3000';
    const client = createEirleadClient({ baseUrl, apiKey, ...(io.fetch ? { fetch: io.fetch } : {}) });
    const siteId = values.site ?? io.env.EIRLEAD_SITE ?? 'demo';
    switch (command) {
      case 'list':
        return await list(client, siteId, values, io);
      case 'get':
        if (rest.length !== 1) throw new UsageError('get takes one lead id');
        return await get(client, siteId, rest[0] ?? '', values, io);
      case 'export':
        return await runExport(client, siteId, values, io);
      case 'hide':
        return await hide(client, siteId, values, io);
      case 'hidden':
        return await hidden(client, siteId, values, io);
      case 'show': {
        if (rest.length !== 1) throw new UsageError('show takes one hiddenId (npm run leads -- hidden lists them)');
        const { error, response } = await client.DELETE('/v1/sites/{siteId}/hidden-organisations/{hiddenId}', { params: { path: { siteId, hiddenId: rest[0] ?? '' } } });
        if (!response.ok) throw failed(response, error);
        io.out(`${rest[0]} is shown again`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}: list, get, export, hide, hidden or show`);
    }
  } catch (error) {
    if (error instanceof EirleadApiError) {
      io.err(`leads: ${error.message}`);
      for (const issue of error.body?.error.issues ?? []) io.err(`  ${issue.path}: ${issue.message}`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`leads: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`leads: ${(error as Error).message}`);
    return 1;
  }
}

/** The filters as the list's query string takes them (strings; the API validates and names a bad one). */
function queryFilters(values: Values) {
  const filters = {
    since: values.since,
    until: values.until,
    country: values.country,
    class: values.class as LeadFilters['class'],
    confidence: values.confidence as LeadFilters['confidence'],
    minVisits: values['min-visits'],
    minPageviews: values['min-pageviews'],
    path: values.path,
  };
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Omit<typeof filters, 'class' | 'confidence'> &
    Pick<LeadFilters, 'class' | 'confidence'>;
}

/** The same filters as an export's JSON body takes them (minimums as numbers). */
function bodyFilters(values: Values): LeadFilters {
  const { minVisits, minPageviews, ...rest } = queryFilters(values);
  return {
    ...rest,
    ...(minVisits === undefined ? {} : { minVisits: Number(minVisits) }),
    ...(minPageviews === undefined ? {} : { minPageviews: Number(minPageviews) }),
  } as LeadFilters;
}

const failed = (response: Response, error: unknown) => new EirleadApiError(response.status, error);

async function list(client: EirleadClient, siteId: string, values: Values, io: CliIo): Promise<number> {
  const filters = queryFilters(values);
  if (values.all) {
    const leads: Lead[] = [];
    for await (const lead of allLeads(client, siteId, { ...filters, limit: 100 })) leads.push(lead);
    io.out(values.json ? JSON.stringify(leads, null, 2) : leadTable(leads));
    return 0;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const { data, error, response } = await client.GET('/v1/sites/{siteId}/leads', {
    params: { path: { siteId }, query: { ...filters, ...(limit === undefined ? {} : { limit }), ...(values.cursor ? { cursor: values.cursor } : {}) } },
  });
  if (!data) throw failed(response, error);
  if (values.json) io.out(JSON.stringify(data, null, 2));
  else {
    io.out(leadTable(data.items));
    if (data.nextCursor) io.out(`more: --cursor ${data.nextCursor} (or --all)`);
  }
  return 0;
}

async function get(client: EirleadClient, siteId: string, leadId: string, values: Values, io: CliIo): Promise<number> {
  const { data, error, response } = await client.GET('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId, leadId } } });
  if (!data) throw failed(response, error);
  if (values.json) {
    io.out(JSON.stringify(data, null, 2));
    return 0;
  }
  const { organisation, match, location } = data;
  io.out(`${organisation.name}${organisation.domain ? ` (${organisation.domain})` : ''}  ${location.country}${location.city ? `, ${location.city}` : ''}`);
  io.out(`match: ${match.source}, ${match.confidence} confidence, ${match.network}`);
  io.out(`seen ${data.firstSeenAt} .. ${data.lastSeenAt}: ${data.visits.length} visits, ${data.pageviews} page views, ${data.engagedSeconds} s engaged`);
  io.out(
    table(
      ['started', 'pages', 'referrer', 'paths'],
      data.visits.map((visit) => [visit.startedAt, String(visit.pages.length), visit.referrer ?? '', visit.pages.map((page) => page.path).join(' ')]),
    ),
  );
  return 0;
}

async function runExport(client: EirleadClient, siteId: string, values: Values, io: CliIo): Promise<number> {
  const format = values.format as 'csv' | 'ndjson';
  const { data, error, response } = await client.POST('/v1/sites/{siteId}/exports', {
    params: { path: { siteId } },
    body: { format, visits: values.visits, filters: bodyFilters(values) },
  });
  if (!data) throw failed(response, error);
  io.err(`export ${data.exportId} queued`);
  const done = await waitForExport(client, siteId, data.exportId);
  if (done.status !== 'succeeded' || !done.url) throw new Error(`export ${done.exportId} ${done.status}: ${done.error ?? 'no file'}`);
  const file = await (io.fetch ?? fetch)(done.url);
  if (!file.ok || !file.body) throw new Error(`downloading export ${done.exportId}: HTTP ${file.status}`);
  const out = values.out ?? `eirlead-${siteId}-${done.exportId}.${format}`;
  await pipeline(Readable.fromWeb(file.body as WebReadableStream), createWriteStream(out));
  io.out(values.json ? JSON.stringify({ ...done, file: out }) : `${out}: ${done.leads ?? 0} leads, ${done.bytes ?? 0} bytes`);
  return 0;
}

async function hide(client: EirleadClient, siteId: string, values: Values, io: CliIo): Promise<number> {
  const rule = values.asn !== undefined ? { asn: Number(values.asn) } : values.domain !== undefined ? { domain: values.domain } : values.name !== undefined ? { name: values.name } : undefined;
  if (!rule) throw new UsageError('hide needs --asn, --domain or --name');
  const { data, error, response } = await client.POST('/v1/sites/{siteId}/hidden-organisations', { params: { path: { siteId } }, body: rule });
  if (!data) throw failed(response, error);
  io.out(values.json ? JSON.stringify(data, null, 2) : `hidden ${data.hiddenId} (${describeRule(data)}) until ${data.expiresAt}`);
  return 0;
}

async function hidden(client: EirleadClient, siteId: string, values: Values, io: CliIo): Promise<number> {
  const { data, error, response } = await client.GET('/v1/sites/{siteId}/hidden-organisations', { params: { path: { siteId } } });
  if (!data) throw failed(response, error);
  io.out(values.json ? JSON.stringify(data, null, 2) : table(['hiddenId', 'hides', 'hiddenAt'], data.items.map((item) => [item.hiddenId, describeRule(item), item.hiddenAt])));
  return 0;
}

const describeRule = (rule: { asn?: number; domain?: string; name?: string }): string =>
  rule.asn !== undefined ? `AS${rule.asn}` : rule.domain !== undefined ? `domain ${rule.domain}` : `name ${rule.name ?? ''}`;

function leadTable(leads: readonly Lead[]): string {
  return table(
    ['leadId', 'organisation', 'country', 'confidence', 'visits', 'pageviews', 'lastSeenAt'],
    leads.map((lead) => [lead.leadId, lead.organisation.name, lead.location.country, lead.match.confidence, String(lead.visits), String(lead.pageviews), lead.lastSeenAt]),
  );
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.min(48, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (cell.length > (widths[column] ?? 0) ? `${cell.slice(0, (widths[column] ?? 1) - 1)}…` : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

if (process.argv[1]?.endsWith('leads.ts')) {
  void runLeadsCli(process.argv.slice(2), { env: process.env, out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
    process.exitCode = code;
  });
}
