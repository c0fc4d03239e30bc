import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { judgeAddress } from '../../domain/outbound/destinations';

/**
 * The one outbound HTTP sender, for everything that leaves the account: webhooks, Slack and Teams, CRM APIs.
 * Safe by construction for URLs a customer typed in:
 * - HTTPS only (plain HTTP only to loopback, and only where the local runtime allows it for its test receivers);
 * - every address the host resolves to is checked when the connection is made (domain/outbound/destinations.ts),
 *   so DNS rebinding and literal inward addresses are refused;
 * - no redirects: a 3xx is an answer, reported as such, never followed;
 * - a deadline for the whole exchange, and at most `maxResponseBytes` of the answer read;
 * - no header, URL or body is logged here (a webhook URL or a token is a credential).
 */

export interface OutboundPolicy {
  /** Loopback destinations, over plain HTTP too: only the local runtime, for receivers on 127.0.0.1. @default false */
  readonly allowLoopback?: boolean;
  /** For the whole exchange, from connecting to the last byte read. @default 10_000 */
  readonly timeoutMs?: number;
  /** The answer's body is read up to this, then the connection is closed. @default 64 KiB */
  readonly maxResponseBytes?: number;
  /**
   * PEM certificates trusted instead of the public CAs, so the local runtime and tests can receive over TLS on
   * 127.0.0.1 with a certificate they made. Honoured only with `allowLoopback`: a deployed function never sets
   * either, and always verifies against the public CAs. @default the runtime's public CAs
   */
  readonly trustedCertificates?: readonly string[];
}

export interface OutboundRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** At most `maxResponseBytes` of it. */
  readonly body: string;
  readonly truncated: boolean;
  readonly latencyMs: number;
}

/** Refused before anything was sent: the reason says why (no URL or address in it). */
export class OutboundRefusedError extends Error {
  constructor(reason: string) {
    super(`Outbound request refused: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

/** Sent, but no answer arrived: timeout, connection reset, TLS failure. Retryable. */
export class OutboundFailedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Outbound request failed: ${reason}`, options);
    this.name = 'OutboundFailedError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** Checks a URL without sending anything: for validating a webhook URL when it is saved, as well as when used. */
export function checkUrl(url: string, policy: OutboundPolicy = {}): URL {
  const parsed = URL.parse(url);
  if (!parsed) throw new OutboundRefusedError('not a URL');
  if (parsed.username || parsed.password) throw new OutboundRefusedError('credentials in the URL');
  const loopbackHost = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'http:' && !(policy.allowLoopback && loopbackHost)) throw new OutboundRefusedError('not HTTPS');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new OutboundRefusedError('not HTTPS');
  return parsed;
}

/** A DNS lookup that refuses every address the policy does not allow, at connect time. */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => judgeAddress(entry.address, policy)).find((verdict) => !verdict.allowed);
      if (refused && !refused.allowed) return callback(new OutboundRefusedError(`the host resolves to a ${refused.reason}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new OutboundRefusedError('the host resolves to no address'), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

export async function send(request: OutboundRequest, policy: OutboundPolicy = {}): Promise<OutboundResponse> {
  const url = checkUrl(request.url, policy);
  // A literal address never goes through the lookup: judge it here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  const verdict = /^[\d.]+$|:/.test(literal) ? judgeAddress(literal, policy) : { allowed: true as const };
  if (!verdict.allowed) throw new OutboundRefusedError(`a ${verdict.reason}`);

  const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const started = performance.now();
  const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const outgoing = transport(
      url,
      {
        method: request.method ?? 'POST',
        headers: { ...(request.headers ?? {}), ...(request.body === undefined ? {} : { 'Content-Length': Buffer.byteLength(request.body) }) },
        lookup: guardedLookup(policy),
        // One connection per exchange: a kept-alive socket could outlive the check of the address it went to.
        agent: false,
        timeout: timeoutMs,
        ...(policy.allowLoopback && policy.trustedCertificates ? { ca: [...policy.trustedCertificates] } : {}),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let received = 0;
        let truncated = false;
        incoming.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - received;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            received = maxBytes;
            truncated = true;
            // Enough read: nothing past the limit is waited for.
            incoming.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          received += chunk.length;
        });
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearTimeout(deadline);
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            latencyMs: Math.round(performance.now() - started),
          });
        };
        incoming.on('end', finish);
        incoming.on('error', (error) => (finished ? undefined : reject(new OutboundFailedError('answer interrupted', { cause: error }))));
      },
    );
    const deadline = setTimeout(() => outgoing.destroy(new OutboundFailedError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    outgoing.on('timeout', () => outgoing.destroy(new OutboundFailedError(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => {
      clearTimeout(deadline);
      reject(error instanceof OutboundRefusedError || error instanceof OutboundFailedError ? error : new OutboundFailedError(error.message, { cause: error }));
    });
    outgoing.end(request.body);
  });
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
