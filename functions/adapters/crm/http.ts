import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { CrmProvider } from '../../contracts/api/crm-lead';
import { CrmError, type CrmErrorKind } from '../../domain/crm/connector';
import type { WindowLimiter } from '../../domain/crm/pacing';
import { OutboundFailedError, OutboundRefusedError, type OutboundPolicy, retryAfterMs, send } from '../outbound/sender';

/**
 * The JSON client the connectors share, over the one outbound sender (HTTPS only, public addresses only, no
 * redirects, deadline, body cap). It keeps the pace of the CRM's window limits, waits out a 429 (`Retry-After`, or
 * the window) when the wait fits the caller's budget, retries 5xx and lost connections with backoff, refreshes a
 * token once after a 401 where the connector can, validates every answer with zod, and turns every refusal into a
 * `CrmError` carrying the CRM's own status, code and message. Headers and bodies are never logged.
 */

export interface ErrorReading {
  readonly kind: CrmErrorKind;
  readonly code?: string;
  readonly message: string;
  readonly missing?: readonly string[];
}

export interface CrmHttpOptions {
  readonly provider: CrmProvider;
  readonly baseUrl: string;
  readonly policy: OutboundPolicy;
  /** The headers that carry the credentials. */
  readonly authorize: () => Promise<Record<string, string>>;
  /** After a 401: fetch a fresh token and answer true to retry once (Salesforce); absent, a 401 is final. */
  readonly reauthorize?: () => Promise<boolean>;
  /** Window limits by name; `default` paces every request, a request may name one more (`search`). */
  readonly limiters?: Readonly<Record<string, WindowLimiter>>;
  /** How the CRM says what went wrong, for any status but 2xx, 429 and 5xx. */
  readonly readError: (status: number, body: unknown) => ErrorReading;
  /** The longest a request waits for a 429 to pass before giving up with `rate-limited`. @default 30_000 */
  readonly maxWaitMs?: number;
  /** Sees every answer's headers (the CRM's allocation, its window limit). */
  readonly onAnswer?: (headers: IncomingHttpHeaders) => void;
}

export interface CrmRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute path, or a full URL the CRM handed out (Salesforce `nextRecordsUrl` is a path). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Sent `application/x-www-form-urlencoded` (OAuth token and revocation requests). */
  readonly form?: Readonly<Record<string, string>>;
  /** A second window limit this request counts against. */
  readonly limiter?: string;
  /** Token requests carry their own credentials. @default true */
  readonly authorized?: boolean;
  /** Further headers the CRM documents for this request (Salesforce's `Sforce-Query-Options`). */
  readonly headers?: Readonly<Record<string, string>>;
}

const MAX_ATTEMPTS = 6;
const SERVER_ERROR_RETRIES = 3;
const MAX_MESSAGE = 500;

export class CrmHttp {
  private sent = 0;

  constructor(private readonly options: CrmHttpOptions) {}

  get calls(): number {
    return this.sent;
  }

  /** The answer's body, validated; `undefined` for an empty body when the schema allows it. */
  async json<S extends z.ZodType>(schema: S, request: CrmRequest): Promise<z.output<S>> {
    const { body } = await this.exchange(request);
    let parsed: unknown = undefined;
    if (body.trim() !== '') {
      try {
        parsed = JSON.parse(body);
      } catch {
        throw this.error('bad-answer', 'The answer is not JSON', { status: 200 });
      }
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw this.error('bad-answer', `Unexpected answer to ${request.method} ${pathOnly(request.path)}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
    }
    return result.data;
  }

  private async exchange(request: CrmRequest): Promise<{ body: string; headers: IncomingHttpHeaders }> {
    const { options } = this;
    const maxWaitMs = options.maxWaitMs ?? 30_000;
    let serverErrors = 0;
    let reauthorized = false;
    for (let attempt = 1; ; attempt++) {
      await this.pace(request.limiter);
      let response;
      try {
        response = await send(
          {
            url: this.urlOf(request),
            method: request.method,
            headers: {
              Accept: 'application/json',
              ...request.headers,
              ...(request.authorized === false ? {} : await options.authorize()),
              ...(request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            ...(request.form ? { body: new URLSearchParams(request.form as Record<string, string>).toString() } : request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          },
          options.policy,
        );
      } catch (error) {
        if (error instanceof OutboundRefusedError) throw this.error('rejected', error.message);
        if (error instanceof OutboundFailedError && serverErrors < SERVER_ERROR_RETRIES && attempt < MAX_ATTEMPTS) {
          serverErrors++;
          await sleep(backoffMs(serverErrors));
          continue;
        }
        throw this.error('unavailable', error instanceof Error ? error.message : String(error));
      } finally {
        this.sent++;
      }
      options.onAnswer?.(response.headers);
      const { status } = response;
      if (response.truncated) throw this.error('bad-answer', `The answer to ${request.method} ${pathOnly(request.path)} is larger than this client reads`, { status });
      if (status >= 200 && status < 300) return { body: response.body, headers: response.headers };
      const body = parseQuietly(response.body);
      if (status === 429) {
        const wait = retryAfterMs(response.headers) ?? this.windowMs(request.limiter) ?? 2_000;
        const message = options.readError(status, body).message;
        if (wait > maxWaitMs || attempt >= MAX_ATTEMPTS) throw this.error('rate-limited', message, { status, retryAfterMs: wait });
        await sleep(wait);
        continue;
      }
      if (status >= 500) {
        if (serverErrors < SERVER_ERROR_RETRIES && attempt < MAX_ATTEMPTS) {
          serverErrors++;
          await sleep(backoffMs(serverErrors));
          continue;
        }
        throw this.error('unavailable', options.readError(status, body).message, { status });
      }
      if (status === 401 && !reauthorized && options.reauthorize && request.authorized !== false) {
        reauthorized = true;
        if (await options.reauthorize()) continue;
      }
      const reading = options.readError(status, body);
      throw this.error(reading.kind, reading.message, { status, ...(reading.code ? { code: reading.code } : {}), ...(reading.missing ? { missing: reading.missing } : {}) });
    }
  }

  private urlOf(request: CrmRequest): string {
    const url = new URL(request.path, this.options.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  private async pace(limiter: string | undefined): Promise<void> {
    const limiters = [this.options.limiters?.default, limiter ? this.options.limiters?.[limiter] : undefined].filter((entry): entry is WindowLimiter => !!entry);
    for (;;) {
      const wait = Math.max(0, ...limiters.map((entry) => entry.waitMs(Date.now())));
      if (wait === 0) break;
      await sleep(wait);
    }
    for (const entry of limiters) entry.record(Date.now());
  }

  private windowMs(limiter: string | undefined): number | undefined {
    return (limiter ? this.options.limiters?.[limiter]?.windowMs : undefined) ?? this.options.limiters?.default?.windowMs;
  }

  private error(kind: CrmErrorKind, message: string, details: ConstructorParameters<typeof CrmError>[3] = {}): CrmError {
    return new CrmError(kind, this.options.provider, message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message, details);
  }
}

const backoffMs = (retry: number): number => 250 * 2 ** retry + Math.random() * 250;

function parseQuietly(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Query strings can carry search terms; error messages name the path only. */
const pathOnly = (path: string): string => path.split('?')[0] ?? path;

/** A string field of an object answer, if it has one. */
export function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether an answer's header says a number, e.g. `x-ratelimit-limit`. */
export function numericHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
