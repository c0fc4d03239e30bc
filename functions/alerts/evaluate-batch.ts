import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { AlertRule, CrmStanding } from '../contracts/api/alerts';
import type { DeliveryMessage } from '../contracts/alert-message';
import { LEAD_SORT_KEY, toEpochSeconds } from '../contracts/table';
import type { AlertClaims, LeadActivityStore } from '../adapters/dynamodb/alert-claims';
import { leadItemFrom } from '../adapters/dynamodb/lead-item';
import type { AlertConfigStore, SiteAlertConfig } from '../adapters/dynamodb/alert-config-store';
import type { DeliveryLog } from '../adapters/dynamodb/delivery-log';
import type { HiddenOrganisationStore } from '../adapters/dynamodb/hidden-organisations';
import type { DeliveryQueue } from '../adapters/sqs/delivery-queue';
import { activityWithin, countChange } from '../domain/alerts/activity';
import { candidateRules, matchesActivity, needsCrmStatus } from '../domain/alerts/evaluate';
import { deliveryIdFor } from '../domain/alerts/ids';
import { type LeadChange, leadChange } from '../domain/alerts/lead-change';
import { alertEvent, restrictFields } from '../domain/alerts/payload';
import { hides } from '../domain/leads/hidden';
import { currentLead } from '../domain/leads/listing';
import type { StoredLead } from '../domain/leads/model';

export interface EvaluatorDependencies {
  readonly config: AlertConfigStore;
  readonly hidden: HiddenOrganisationStore;
  readonly claims: AlertClaims;
  readonly activity: LeadActivityStore;
  readonly deliveries: DeliveryLog;
  readonly queue: DeliveryQueue;
  /** The lead's CRM status (its CRM link, written by the CRM sync); read only for sites with a rule on it. */
  readonly crmStatus: (siteId: string, leadId: string) => Promise<CrmStanding>;
  readonly apiBaseUrl: string;
  readonly clock: () => Date;
}

export interface EvaluationOutcome {
  readonly changes: number;
  readonly fired: number;
  readonly deliveries: number;
  /** The sequence number of the first record that failed: Lambda retries from it (later records included). */
  readonly failedSequenceNumber?: string;
  readonly error?: unknown;
}

/**
 * Evaluates a batch of lead changes from the table's stream, in order. Each site's rules and endpoints are read
 * once per batch; a site without enabled rules costs nothing more. A rule that matches claims its firing (once per
 * rule, organisation and cool-down), then its deliveries are logged and queued. A record that fails stops the
 * batch there, and Lambda retries from it; what earlier records did stands, and a retried record re-claims with its
 * own event id, so nothing is sent twice.
 */
export class LeadChangeEvaluator {
  constructor(private readonly deps: EvaluatorDependencies) {}

  async evaluate(records: readonly DynamoDBRecord[]): Promise<EvaluationOutcome> {
    const configs = new Map<string, Promise<SiteAlertConfig>>();
    const hiddenRules = new Map<string, ReturnType<HiddenOrganisationStore['rules']>>();
    let changes = 0;
    let fired = 0;
    let deliveries = 0;
    for (const record of records) {
      try {
        const images = leadImages(record);
        if (!images) continue;
        const siteId = images.after.siteId;
        let config = configs.get(siteId);
        if (!config) configs.set(siteId, (config = this.deps.config.siteConfig(siteId)));
        const { rules, endpoints } = await config;
        if (!rules.some((rule) => rule.enabled)) continue;
        const now = this.deps.clock();
        const change = leadChange(images.before, images.after, toEpochSeconds(now));
        if (change.pageviewsAdded === 0 && change.visitsAdded === 0) continue;
        changes++;
        const firing = await this.firingRules(rules, change, now);
        if (firing.length === 0) continue;
        // Hidden at the moment of the alert: never sent, even if the lead was written just before it was hidden.
        let hidden = hiddenRules.get(siteId);
        if (!hidden) hiddenRules.set(siteId, (hidden = this.deps.hidden.rules(siteId)));
        if (hides(await hidden, change.lead.organisation)) continue;
        const messages: DeliveryMessage[] = [];
        for (const rule of firing) {
          const eventId = record.eventID ?? `${record.dynamodb?.SequenceNumber}`;
          if (!(await this.deps.claims.claim(siteId, rule.ruleId, change.lead.leadId, eventId, now, rule.cooldownHours))) continue;
          fired++;
          const createdAtMs = recordTimeMs(record, now);
          for (const endpointId of rule.endpointIds) {
            const endpoint = endpoints.find((candidate) => candidate.endpointId === endpointId);
            if (!endpoint || endpoint.status !== 'active') continue;
            const event = restrictFields(
              alertEvent('alert.fired', rule, rule.trigger, { lead: change.lead, triggerPaths: change.triggerPaths, returning: !change.newOrganisation }, this.deps.apiBaseUrl, new Date(createdAtMs)),
              endpoint.fields,
            );
            const deliveryId = deliveryIdFor(createdAtMs, eventId, rule.ruleId, endpointId);
            if (endpoint.kind === 'email' && endpoint.mode === 'daily-digest') {
              await this.deps.deliveries.addDigestEntry(siteId, endpointId, event.timestamp.slice(0, 10), deliveryId, event);
              continue;
            }
            await this.deps.deliveries.create({
              deliveryId,
              siteId,
              endpointId,
              ruleId: rule.ruleId,
              leadId: change.lead.leadId,
              eventType: event.type,
              body: JSON.stringify(event),
              createdAt: new Date(createdAtMs).toISOString(),
            });
            messages.push({ siteId, endpointId, deliveryId });
          }
        }
        await this.deps.queue.send(messages);
        deliveries += messages.length;
      } catch (error) {
        return { changes, fired, deliveries, failedSequenceNumber: record.dynamodb?.SequenceNumber ?? '', error };
      }
    }
    return { changes, fired, deliveries };
  }

  /** The enabled rules this change fires; the lead's window activity is counted and read only where a rule needs it. */
  private async firingRules(rules: readonly AlertRule[], change: LeadChange, now: Date): Promise<AlertRule[]> {
    const windowed = rules.filter((rule) => rule.enabled && rule.conditions.activity);
    let counted: Awaited<ReturnType<LeadActivityStore['get']>>;
    if (windowed.length > 0) counted = await this.countActivity(change);
    const crmStatus = needsCrmStatus(rules) ? await this.deps.crmStatus(change.lead.siteId, change.lead.leadId) : 'unknown';
    return candidateRules(rules, change, crmStatus).filter((rule) => {
      const window = rule.conditions.activity;
      return matchesActivity(rule.conditions, window && counted ? activityWithin(counted, window.withinHours, now) : undefined);
    });
  }

  private async countActivity(change: LeadChange) {
    const { siteId, leadId } = change.lead;
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.deps.activity.get(siteId, leadId);
      const next = countChange(stored, change);
      if (!next) return stored;
      if (await this.deps.activity.put(siteId, leadId, next, change.lead.expiresAt)) return next;
    }
    throw new Error('The lead activity kept changing under a concurrent writer');
  }
}

/** The lead before and after, when the record is a lead's creation or change (the stream filter admits only those). */
function leadImages(record: DynamoDBRecord): { before?: StoredLead; after: StoredLead } | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const data = record.dynamodb;
  if (data?.Keys?.sk?.S !== LEAD_SORT_KEY || !data.NewImage) return undefined;
  // The item holds the figures as listed and the changes since apart (domain/leads/listing.ts): the lead as it is now.
  const image = (value: Record<string, LambdaAttributeValue>) => currentLead(leadItemFrom(unmarshall(value as Parameters<typeof unmarshall>[0])));
  return { after: image(data.NewImage), ...(data.OldImage ? { before: image(data.OldImage) } : {}) };
}

/** When the change was written (the stream's time, stable across redeliveries), in milliseconds. */
function recordTimeMs(record: DynamoDBRecord, now: Date): number {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return typeof seconds === 'number' ? seconds * 1000 : now.getTime();
}
