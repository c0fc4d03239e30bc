import type { SQSRecord } from 'aws-lambda';
import { type QueuedRequest, QueuedRequestSchema } from '../contracts/queue-message';
import type { SiteRegistry } from '../domain/sites';
import type { Identified } from '../domain/leads/model';
import { identify, type IdentifyContext } from '../domain/leads/identify';
import type { LeadStore, RecordOutcome } from '../adapters/dynamodb/lead-store';

/** What one batch did, for metrics, logs and the accounting of every accepted event. */
export interface EnrichmentOutcome {
  /** SQS message ids to report as failed: SQS redelivers them, and after the receive limit dead-letters them. */
  readonly failedMessageIds: string[];
  /** Events applied to leads for the first time. */
  readonly recorded: number;
  /** Events already applied by an earlier delivery (or twice in this batch). */
  readonly duplicates: number;
  /** Events dropped by reason (the network's class, `unknown-network`, `site-removed`, `visit-limit`). */
  readonly dropped: Record<string, number>;
  /** One entry per lead written, for the log. */
  readonly leads: { leadId: string; correlationIds: string[]; outcome: RecordOutcome }[];
  /** Records whose body is not a queued request (poison): logged by message id only. */
  readonly malformed: string[];
  /** Records whose lead could not be written, with the error. */
  readonly errors: { messageIds: string[]; error: unknown }[];
}

export interface BatchEnricherDependencies {
  readonly sites: SiteRegistry;
  readonly identifyContext: Omit<IdentifyContext, 'leadClasses'>;
  readonly leads: LeadStore;
}

interface LeadGroup {
  lead: Identified & { leadId: string };
  messages: { messageId: string; request: QueuedRequest }[];
}

/**
 * Where queued page views are enriched, a whole SQS batch at a time: every request is identified, and the
 * requests of one organisation are written together (one lead read and write however many of the batch's
 * events it received). A failure fails only the records of its lead.
 */
export class BatchEnricher {
  constructor(private readonly deps: BatchEnricherDependencies) {}

  async enrich(records: readonly SQSRecord[]): Promise<EnrichmentOutcome> {
    const dropped: Record<string, number> = {};
    const malformed: string[] = [];
    const groups = new Map<string, LeadGroup>();
    for (const record of records) {
      const request = parseRequest(record.body);
      if (!request) {
        malformed.push(record.messageId);
        continue;
      }
      const site = this.deps.sites.find(request.siteId);
      const identified = site
        ? identify({ ...this.deps.identifyContext, leadClasses: site.leadClasses }, site.siteId, request.network, request.events)
        : // The site was removed from the configuration after the request was accepted: nothing to attribute it to.
          ({ kind: 'dropped', reason: 'site-removed' } as const);
      if (identified.kind === 'dropped') {
        dropped[identified.reason] = (dropped[identified.reason] ?? 0) + request.events.length;
        continue;
      }
      const group = groups.get(identified.lead.leadId) ?? { lead: identified.lead, messages: [] };
      group.messages.push({ messageId: record.messageId, request });
      groups.set(identified.lead.leadId, group);
    }

    const settled = await Promise.allSettled([...groups.values()].map((group) => this.record(group)));
    const leads: EnrichmentOutcome['leads'] = [];
    const errors: EnrichmentOutcome['errors'] = [];
    let recorded = 0;
    let duplicates = 0;
    [...groups.values()].forEach((group, index) => {
      const result = settled[index];
      if (result?.status === 'fulfilled') {
        const outcome = result.value;
        recorded += outcome.status === 'recorded' ? outcome.applied : 0;
        duplicates += outcome.status === 'recorded' ? outcome.duplicates : countEvents(group);
        if (outcome.status === 'recorded' && outcome.overLimit) dropped['visit-limit'] = (dropped['visit-limit'] ?? 0) + outcome.overLimit;
        leads.push({ leadId: group.lead.leadId, correlationIds: correlationIds(group), outcome });
      } else {
        errors.push({ messageIds: group.messages.map((message) => message.messageId), error: result?.reason });
      }
    });
    return {
      failedMessageIds: [...malformed, ...errors.flatMap((failure) => failure.messageIds)],
      recorded,
      duplicates,
      dropped,
      leads,
      malformed,
      errors,
    };
  }

  private record(group: LeadGroup): Promise<RecordOutcome> {
    return this.deps.leads.recordRequests(
      group.lead,
      group.messages.map(({ request }) => ({ visitorId: request.visitorId, network: request.network, events: request.events })),
    );
  }
}

function parseRequest(body: string): QueuedRequest | undefined {
  try {
    const parsed = QueuedRequestSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const countEvents = (group: LeadGroup): number => group.messages.reduce((sum, { request }) => sum + request.events.length, 0);

const correlationIds = (group: LeadGroup): string[] =>
  group.messages.flatMap(({ request }) => (request.correlationId ? [request.correlationId] : []));
