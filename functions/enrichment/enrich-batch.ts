import type { SQSRecord } from 'aws-lambda';
import { type QueuedRequest, QueuedRequestSchema } from '../contracts/queue-message';
import type { SiteRegistry } from '../domain/sites';
import type { Identified } from '../domain/leads/model';
import { identify, type IdentifyContext } from '../domain/leads/identify';
import type { FormDomainQuota } from '../adapters/dynamodb/form-domain-quota';
import type { HiddenOrganisationStore } from '../adapters/dynamodb/hidden-organisations';
import type { LeadStore, RecordOutcome } from '../adapters/dynamodb/lead-store';
import { type HiddenRule, hides } from '../domain/leads/hidden';

/** What one batch did, for metrics, logs and the accounting of every accepted event. */
export interface EnrichmentOutcome {
  /** SQS message ids to report as failed: SQS redelivers them, and after the receive limit dead-letters them. */
  readonly failedMessageIds: string[];
  /** Events applied to leads for the first time. */
  readonly recorded: number;
  /** Events already applied by an earlier delivery (or twice in this batch). */
  readonly duplicates: number;
  /**
   * Events dropped by reason: the network's class, `unknown-network`, `site-removed`, `hidden`, `form-domain-limit`,
   * and the lead store's (`visit-limit`, `bot-behaviour`, `short-visit`).
   */
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
  /** Each site's hidden organisations, which get no new leads. */
  readonly hidden: Pick<HiddenOrganisationStore, 'rules'>;
  /** The daily quota of typed domains per network (FormDomainQuota). */
  readonly formDomainQuota: Pick<FormDomainQuota, 'claim'>;
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
    // Each site's hidden organisations, read once per batch: a new rule holds from the next batch on.
    const hiddenRules = new Map<string, Promise<HiddenRule[]>>();
    const rulesOf = (siteId: string) => {
      let rules = hiddenRules.get(siteId);
      if (!rules) hiddenRules.set(siteId, (rules = this.deps.hidden.rules(siteId)));
      return rules;
    };
    for (const record of records) {
      const request = parseRequest(record.body);
      if (!request) {
        malformed.push(record.messageId);
        continue;
      }
      const identified = await this.identify(request, rulesOf);
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
        for (const [reason, events] of Object.entries(outcome.status === 'recorded' ? (outcome.dropped ?? {}) : {})) {
          dropped[reason] = (dropped[reason] ?? 0) + events;
        }
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

  /** The organisation of a request, or why it feeds no lead (its network's class, a hidden organisation, a quota). */
  private async identify(
    request: QueuedRequest,
    hiddenRules: (siteId: string) => Promise<HiddenRule[]>,
  ): Promise<{ kind: 'lead'; lead: LeadGroup['lead'] } | { kind: 'dropped'; reason: string }> {
    const site = this.deps.sites.find(request.siteId);
    // The site was removed from the configuration after the request was accepted: nothing to attribute it to.
    if (!site) return { kind: 'dropped', reason: 'site-removed' };
    const identified = identify({ ...this.deps.identifyContext, leadClasses: site.leadClasses }, request);
    if (identified.kind === 'dropped') return identified;
    if (hides(await hiddenRules(site.siteId), identified.lead.organisation)) return { kind: 'dropped', reason: 'hidden' };
    if (identified.formDomain && !(await this.deps.formDomainQuota.claim(site.siteId, request.network, identified.formDomain, new Date(request.receivedAt)))) {
      return { kind: 'dropped', reason: 'form-domain-limit' };
    }
    return identified;
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
