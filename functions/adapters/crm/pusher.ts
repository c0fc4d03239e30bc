import type { PushItem } from '../../contracts/api/crm';
import type { Lead } from '../../contracts/api/leads';
import type { CrmRuntime, Retention } from '../../contracts/deployment-config';
import { CrmError, type CrmConnector } from '../../domain/crm/connector';
import { leadUrlOf, nextPushRecord, planCompanyPush } from '../../domain/crm/push-plan';
import { toLead } from '../../domain/leads/views';
import type { StoredConnection } from '../dynamodb/crm-connections';
import type { CrmLinkStore } from '../dynamodb/crm-links';
import type { LeadStore } from '../dynamodb/lead-store';

/**
 * Pushes leads to a connection's CRM, through the API (`POST …/crm/push`) and by the sync's auto-push rule: each
 * lead's plan (functions/domain/crm/push-plan.ts) goes to the connector, and what reached the CRM is recorded per
 * lead (the account, the visits noted), so pushing again creates no second company and no note twice. A dry run
 * answers the connector's requests and sends nothing.
 */
export class CrmPusher {
  constructor(
    private readonly deps: {
      readonly leads: LeadStore;
      readonly links: CrmLinkStore;
      readonly retention: Retention;
      readonly runtime: CrmRuntime;
      readonly clock?: () => Date;
    },
  ) {}

  async push(connection: StoredConnection, connector: CrmConnector, leadIds: readonly string[], dryRun: boolean): Promise<PushItem[]> {
    const items: PushItem[] = [];
    for (const leadId of leadIds) items.push(await this.pushOne(connection, connector, leadId, dryRun));
    return items;
  }

  private async pushOne(connection: StoredConnection, connector: CrmConnector, leadId: string, dryRun: boolean): Promise<PushItem> {
    const { siteId } = connection;
    const lead = await this.lead(siteId, leadId);
    if (!lead) return { leadId, outcome: 'not-found' };
    const fields = connection.settings.fields;
    const [visits, link, record] = await Promise.all([
      fields.includes('visitNotes') ? this.deps.leads.getLead(siteId, leadId).then((detail) => detail?.visits ?? []) : Promise.resolve([]),
      this.deps.links.forLead(siteId, leadId),
      this.deps.links.pushRecord(siteId, leadId),
    ]);
    const plan = planCompanyPush({
      lead,
      visits,
      fields,
      ...(link ? { linkedAccountId: link.accountId } : {}),
      ...(record ? { record } : {}),
      ...(this.deps.runtime.leadUrlTemplate ? { leadUrl: leadUrlOf(this.deps.runtime.leadUrlTemplate, siteId, leadId) } : {}),
    });
    const target = plan.target.kind === 'account' ? ('linked-account' as const) : ('external-id' as const);
    if (dryRun) return { leadId, outcome: 'planned', target, requests: connector.planPush(plan) };
    try {
      const outcome = await connector.push(plan);
      await this.deps.links.putPushRecord(siteId, connection.connectionId, leadId, nextPushRecord(record, outcome.accountId, outcome.notedVisits), this.deps.retention.leadDays);
      return {
        leadId,
        outcome: 'pushed',
        target,
        accountId: outcome.accountId,
        created: outcome.created,
        notes: { created: outcome.notedVisits.length, skipped: plan.alreadyNoted },
        ...(outcome.notesError ? { error: errorOf(outcome.notesError) } : {}),
      };
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      return { leadId, outcome: 'failed', target, error: errorOf(error) };
    }
  }

  /** The lead with its counts as they are now, not as last listed (its detail replaces the visit count with the visits). */
  private async lead(siteId: string, leadId: string): Promise<Lead | undefined> {
    const lead = await this.deps.leads.liveLead(siteId, leadId);
    return lead && toLead(lead);
  }
}

export function errorOf(error: CrmError): NonNullable<PushItem['error']> {
  return { ...(error.details.status ? { status: error.details.status } : {}), code: error.details.code ?? error.kind, message: error.providerMessage };
}
