import type { SQSRecord } from 'aws-lambda';
import { DeliveryMessageSchema } from '../contracts/alert-message';
import { toEpochSeconds } from '../contracts/table';
import { type AlertConfigStore, secretBinding, type StoredEndpoint } from '../adapters/dynamodb/alert-config-store';
import type { DeliveryLog, StoredDelivery } from '../adapters/dynamodb/delivery-log';
import type { EndpointPacer } from '../adapters/dynamodb/endpoint-pacing';
import type { SecretBox } from '../adapters/kms/secret-box';
import { MAX_PACING_WAIT_MS, SEND_INTERVAL_MS } from '../domain/alerts/pacing';
import { MAX_ATTEMPTS, nextDelaySeconds } from '../domain/alerts/retry';
import type { Channels, OpenEndpoint, Payload, SendResult } from './channels';

/** What became of one queued delivery: done (delete the message), or to be seen again in `retryInSeconds`. */
export type DeliveryStep =
  | { readonly done: true; readonly result: 'delivered' | 'failed' | 'abandoned' | 'duplicate' | 'malformed' }
  | { readonly done: false; readonly retryInSeconds: number; readonly reason: 'retry' | 'not-due' | 'leased' | 'paced' };

/** Longer than one send may take (the sender's 10-second deadline), shorter than the function's timeout. */
const LEASE_SECONDS = 60;
/** A message that arrives a little early (visibility timing) is taken anyway. */
const EARLY_TOLERANCE_SECONDS = 2;

export interface DelivererDependencies {
  readonly config: AlertConfigStore;
  readonly deliveries: DeliveryLog;
  readonly secrets: SecretBox;
  readonly channels: Channels;
  readonly pacer: EndpointPacer;
  readonly clock: () => Date;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Makes the next attempt of a queued delivery. The log item decides: a delivery no longer pending is a duplicate
 * message (dropped), one not yet due waits, one leased by another copy of the message waits for that copy. After a
 * failed attempt the next is scheduled (backoff with jitter, at least the receiver's Retry-After) and the message is
 * held back until then; after the last, the delivery has failed. A 410 disables the endpoint; a refused destination
 * is never retried. Sends to a Slack endpoint are spaced a second apart (domain/alerts/pacing.ts), whichever
 * invocation makes them.
 */
export class Deliverer {
  constructor(private readonly deps: DelivererDependencies) {}

  async deliver(record: SQSRecord): Promise<DeliveryStep> {
    const parsed = DeliveryMessageSchema.safeParse(safeJson(record.body));
    if (!parsed.success) return { done: true, result: 'malformed' };
    const { siteId, endpointId, deliveryId } = parsed.data;
    const { deliveries, clock } = this.deps;
    const delivery = await deliveries.get(siteId, endpointId, deliveryId);
    if (!delivery || delivery.status !== 'pending') return { done: true, result: 'duplicate' };
    const now = toEpochSeconds(clock());
    const dueIn = delivery.nextAttemptAt ? toEpochSeconds(new Date(delivery.nextAttemptAt)) - now : 0;
    if (dueIn > EARLY_TOLERANCE_SECONDS) return { done: false, retryInSeconds: dueIn, reason: 'not-due' };

    const endpoint = await this.deps.config.getEndpoint(siteId, endpointId);
    const interval = endpoint?.status === 'active' ? SEND_INTERVAL_MS[endpoint.kind] : undefined;
    let waitMs = 0;
    if (interval !== undefined) {
      const slot = await this.deps.pacer.reserve(siteId, endpointId, interval, MAX_PACING_WAIT_MS);
      if ('holdBackMs' in slot) return { done: false, retryInSeconds: Math.ceil(slot.holdBackMs / 1000), reason: 'paced' };
      waitMs = slot.waitMs;
    }
    const lease = await deliveries.lease(delivery, LEASE_SECONDS + Math.ceil(waitMs / 1000));
    if (lease === undefined) return { done: false, retryInSeconds: LEASE_SECONDS, reason: 'leased' };
    if (!endpoint || endpoint.status !== 'active') {
      await deliveries.abandon(delivery, endpoint ? `endpoint disabled: ${endpoint.disabledReason ?? 'by its owner'}` : 'endpoint deleted');
      return { done: true, result: 'abandoned' };
    }
    if (waitMs > 0) await (this.deps.sleep ?? sleep)(waitMs);
    const result = await this.deps.channels.send(await this.open(siteId, endpoint), await this.payload(delivery));
    return this.settle(delivery, lease, result);
  }

  private async settle(delivery: StoredDelivery, lease: number, result: SendResult): Promise<DeliveryStep> {
    const at = this.deps.clock().toISOString();
    const attempt = {
      at,
      ...('status' in result && result.status !== undefined ? { status: result.status } : {}),
      ...('error' in result && result.error ? { error: result.error } : {}),
      ...('latencyMs' in result && result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
    };
    const { deliveries } = this.deps;
    switch (result.outcome) {
      case 'delivered':
        await deliveries.finishAttempt(delivery, lease, attempt, { status: 'delivered' });
        return { done: true, result: 'delivered' };
      case 'gone':
        await this.deps.config.disableEndpoint(delivery.siteId, delivery.endpointId, 'the receiver answered 410 Gone');
        await deliveries.finishAttempt(delivery, lease, attempt, { status: 'failed' });
        return { done: true, result: 'failed' };
      case 'refused':
        await deliveries.finishAttempt(delivery, lease, attempt, { status: 'abandoned' });
        return { done: true, result: 'abandoned' };
      case 'retry': {
        const delay = nextDelaySeconds(delivery.attemptCount + 1, result.retryAfterMs, this.deps.random);
        if (delay === undefined || delivery.attemptCount + 1 >= MAX_ATTEMPTS) {
          await deliveries.finishAttempt(delivery, lease, attempt, { status: 'failed' });
          return { done: true, result: 'failed' };
        }
        const nextAttemptAt = new Date(this.deps.clock().getTime() + delay * 1000).toISOString();
        await deliveries.finishAttempt(delivery, lease, attempt, { status: 'pending', nextAttemptAt });
        return { done: false, retryInSeconds: delay, reason: 'retry' };
      }
    }
  }

  /** The endpoint with its secrets decrypted; a rotated secret signs too until it expires. */
  private async open(siteId: string, endpoint: StoredEndpoint): Promise<OpenEndpoint> {
    const { secrets } = this.deps;
    if (endpoint.kind === 'email') return { kind: 'email', to: endpoint.to ?? [] };
    if (!endpoint.sealedUrl) throw new Error(`Endpoint ${endpoint.endpointId} has no URL`);
    const url = await secrets.open(endpoint.sealedUrl, secretBinding(siteId, endpoint.endpointId, 'url'));
    if (endpoint.kind !== 'webhook') return { kind: endpoint.kind, url };
    const now = toEpochSeconds(this.deps.clock());
    const valid = (endpoint.secrets ?? []).filter((secret) => secret.expiresAt === undefined || secret.expiresAt > now);
    const opened = await Promise.all(valid.map((secret) => secrets.open(secret.sealed, secretBinding(siteId, endpoint.endpointId, 'secret'))));
    return { kind: 'webhook', url, secrets: opened };
  }

  private async payload(delivery: StoredDelivery): Promise<Payload> {
    if (delivery.digestDay) {
      return { kind: 'digest', day: delivery.digestDay, events: await this.deps.deliveries.digestEntries(delivery.siteId, delivery.endpointId, delivery.digestDay) };
    }
    return { kind: 'event', id: delivery.deliveryId, body: delivery.body ?? '{}' };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
