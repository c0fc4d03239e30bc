import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

/**
 * The Eirlead API's TypeScript client: the types are generated from the OpenAPI document (schema.ts,
 * `npm run build:client`), the calls made by openapi-fetch (a thin `fetch` wrapper). Every path, parameter, body and
 * answer is typed by the document, so a call the API does not serve does not compile.
 *
 *   const eirlead = createEirleadClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 *   const { data, error } = await eirlead.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' }, query: { country: 'DE' } } });
 */

export type { components, operations, paths } from './schema';
export type Lead = components['schemas']['Lead'];
export type LeadWithVisits = components['schemas']['LeadWithVisits'];
export type LeadFilters = components['schemas']['LeadFilters'];
export type ExportJob = components['schemas']['ExportJob'];
export type ApiError = components['schemas']['Error'];
export type EirleadClient = Client<paths>;

export interface EirleadClientOptions {
  /** The local runtime (`http://127.0.0.1:3000`) or a stack's ApiUrl output (its trailing `v1/` may stay). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …`; the public routes need none. */
  readonly apiKey?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export function createEirleadClient({ baseUrl, apiKey, fetch }: EirleadClientOptions): EirleadClient {
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''), ...(fetch ? { fetch } : {}) });
  if (apiKey) {
    client.use({
      onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${apiKey}`);
        return request;
      },
    });
  }
  return client;
}

/** An answer that was not the one hoped for: its status and the API's error body (with its request id). */
export class EirleadApiError extends Error {
  readonly body: ApiError | undefined;

  constructor(
    readonly status: number,
    body: unknown,
  ) {
    // A proxy or a load balancer in between may answer with another body, or none: keep only the API's shape.
    const apiError = isApiError(body) ? body : undefined;
    const { code = 'Error', message = 'no error body', requestId } = apiError?.error ?? {};
    super(`${status} ${code}: ${message}${requestId ? ` (request ${requestId})` : ''}`);
    this.name = 'EirleadApiError';
    this.body = apiError;
  }
}

const isApiError = (body: unknown): body is ApiError =>
  typeof body === 'object' && body !== null && typeof (body as { error?: { code?: unknown } }).error?.code === 'string';

type Query = NonNullable<paths['/v1/sites/{siteId}/leads']['get']['parameters']['query']>;

/** Every lead the filters select, newest first, following `nextCursor` page by page. */
export async function* allLeads(client: EirleadClient, siteId: string, query: Omit<Query, 'cursor'> = {}): AsyncGenerator<Lead> {
  let cursor: string | undefined;
  do {
    const { data, error, response } = await client.GET('/v1/sites/{siteId}/leads', {
      params: { path: { siteId }, query: { ...query, ...(cursor ? { cursor } : {}) } },
    });
    if (!data) throw new EirleadApiError(response.status, error);
    yield* data.items;
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
}

/** Status codes worth another try of a read: throttled, or a failure on the server's side. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/**
 * Polls an export until it has succeeded or failed (or `timeoutMs` passes). A poll that fails transiently (429,
 * 5xx) is tried again after `Retry-After` or the interval, up to `retries` times in a row: a long wait should not
 * end on one bad answer.
 */
export async function waitForExport(
  client: EirleadClient,
  siteId: string,
  exportId: string,
  { intervalMs = 1000, timeoutMs = 15 * 60_000, retries = 5 }: { intervalMs?: number; timeoutMs?: number; retries?: number } = {},
): Promise<ExportJob> {
  const deadline = Date.now() + timeoutMs;
  let failures = 0;
  for (;;) {
    const { data, error, response } = await client.GET('/v1/sites/{siteId}/exports/{exportId}', { params: { path: { siteId, exportId } } });
    let waitMs = intervalMs;
    if (!data) {
      if (!TRANSIENT.has(response.status) || ++failures > retries) throw new EirleadApiError(response.status, error);
      waitMs = Math.max(intervalMs, Number(response.headers.get('retry-after') ?? 0) * 1000);
    } else {
      failures = 0;
      if (data.status === 'succeeded' || data.status === 'failed') return data;
    }
    if (Date.now() > deadline) throw new Error(`Export ${exportId} not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
