import type { CrmEndpoints } from '../../contracts/deployment-config';
import type { OutboundPolicy } from '../outbound/sender';

/** What every connector is built with, besides the connection's credentials and state. */
export interface ConnectorContext {
  readonly endpoints: CrmEndpoints;
  /** Loopback only in the local runtime and its tests; never on AWS. */
  readonly policy: OutboundPolicy;
  /** How long one request may wait for a 429 to pass: short in the API, longer in the sync. */
  readonly maxWaitMs: number;
}

/** Pages of a sync are large (Salesforce answers 2,000 accounts a page): the sender reads up to this much. */
export const MAX_CRM_ANSWER_BYTES = 8 * 1024 * 1024;

export const connectorPolicy = (context: ConnectorContext, timeoutMs = 20_000): OutboundPolicy => ({
  ...context.policy,
  timeoutMs,
  maxResponseBytes: MAX_CRM_ANSWER_BYTES,
});

/** The cursor a connector hands out is its own JSON, opaque to the sync. */
export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
export function decodeCursor<T>(cursor: string | undefined, fallback: T): T {
  if (cursor === undefined) return fallback;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return fallback;
  }
}
