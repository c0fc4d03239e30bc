import type { CrmLeadView } from '../contracts/api/crm-lead';
import type { Lead } from '../contracts/api/leads';
import type { CrmPusher } from '../adapters/crm/pusher';
import type { StoredConnection } from '../adapters/dynamodb/crm-connections';
import type { CrmConnector } from '../domain/crm/connector';
import { meetsAutoPushRule } from '../domain/crm/push-plan';

/** A run pushes at most this many leads by rule; the rest wait for the next run (oldest-seen first are left). */
export const MAX_AUTO_PUSH_PER_RUN = 100;

/**
 * The connection's auto-push rule, after a sync has matched the leads: every lead seen since the last successful
 * sync that meets the rule is pushed as the API would push it (idempotent: its company once, each visit noted once).
 * Leads not seen since are left alone, so an unchanged lead is not written to the CRM every day.
 */
export async function autoPush(input: {
  readonly connection: StoredConnection;
  readonly connector: CrmConnector;
  readonly pusher: CrmPusher;
  readonly leads: readonly Lead[];
  readonly views: ReadonlyMap<string, CrmLeadView>;
  /** The start of the last successful sync; undefined on the first, which pushes every lead the rule selects. */
  readonly seenSince?: string;
}): Promise<{ pushed: number; failed: number }> {
  const rule = input.connection.settings.autoPush;
  if (!rule) return { pushed: 0, failed: 0 };
  const chosen = input.leads
    .filter((lead) => input.seenSince === undefined || lead.lastSeenAt >= input.seenSince)
    .filter((lead) => meetsAutoPushRule(rule, lead, input.views.get(lead.leadId)?.status ?? 'none'))
    .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt))
    .slice(0, MAX_AUTO_PUSH_PER_RUN)
    .map((lead) => lead.leadId);
  if (chosen.length === 0) return { pushed: 0, failed: 0 };
  const items = await input.pusher.push(input.connection, input.connector, chosen, false);
  return { pushed: items.filter((item) => item.outcome === 'pushed').length, failed: items.filter((item) => item.outcome === 'failed').length };
}
