import type { Site } from '../contracts/deployment-config';
import type { DeliveryMessage } from '../contracts/alert-message';
import type { AlertConfigStore } from '../adapters/dynamodb/alert-config-store';
import type { DeliveryLog } from '../adapters/dynamodb/delivery-log';
import type { DeliveryQueue } from '../adapters/sqs/delivery-queue';
import { deliveryIdFor } from '../domain/alerts/ids';

/**
 * The daily digests: once a day, every daily-digest e-mail endpoint with alerts on the day before gets one delivery
 * (its id made from the endpoint and the day, so a second run the same day queues nothing new), sent like any other
 * delivery: logged, retried, replayable.
 */
export class DigestScheduler {
  constructor(
    private readonly sites: readonly Site[],
    private readonly config: AlertConfigStore,
    private readonly deliveries: DeliveryLog,
    private readonly queue: DeliveryQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(day = previousUtcDay(this.clock())): Promise<{ queued: number }> {
    const messages: DeliveryMessage[] = [];
    for (const { siteId } of this.sites) {
      const { endpoints } = await this.config.siteConfig(siteId);
      for (const endpoint of endpoints.filter((candidate) => candidate.kind === 'email' && candidate.mode === 'daily-digest' && candidate.status === 'active')) {
        const { endpointId } = endpoint;
        if ((await this.deliveries.digestEntries(siteId, endpointId, day)).length === 0) continue;
        const deliveryId = deliveryIdFor(Date.parse(`${day}T23:59:59Z`), endpointId, 'digest', day);
        await this.deliveries.create({ deliveryId, siteId, endpointId, eventType: 'digest.daily', digestDay: day, createdAt: this.clock().toISOString() });
        messages.push({ siteId, endpointId, deliveryId });
      }
    }
    await this.queue.send(messages);
    return { queued: messages.length };
  }
}

export const previousUtcDay = (now: Date): string => new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
