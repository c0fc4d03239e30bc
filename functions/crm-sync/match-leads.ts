import type { CrmLeadView } from '../contracts/api/crm-lead';
import type { Lead } from '../contracts/api/leads';
import type { CopiedAccount } from '../adapters/dynamodb/crm-copy';
import type { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import type { LeadStore } from '../adapters/dynamodb/lead-store';
import { AccountIndex } from '../domain/crm/matching';
import { leadView } from '../domain/crm/model';
import type { CrmProvider } from '../contracts/api/crm-lead';

/**
 * Matches every live lead of the site against the copy (functions/domain/crm/matching.ts) and writes what each
 * lead shows: a hand-made link or unlink wins over matching; a lead no longer matched loses its link.
 * `refreshAll` rewrites unchanged links too, so that they expire with the copy they came from (the daily sync);
 * the hourly matching writes only what changed.
 */
export async function matchLeads(input: {
  readonly siteId: string;
  readonly connectionId: string;
  readonly provider: CrmProvider;
  readonly accounts: readonly CopiedAccount[];
  readonly leads: LeadStore;
  readonly links: CrmLinkStore;
  readonly copyDays: number;
  readonly refreshAll: boolean;
}): Promise<{ links: number; changed: number; leads: Lead[]; views: ReadonlyMap<string, CrmLeadView> }> {
  const { siteId, provider, accounts } = input;
  const index = new AccountIndex(accounts);
  const byId = new Map(accounts.map((account) => [account.accountId, account]));
  const [manual, existing] = await Promise.all([input.links.manualDecisions(siteId), input.links.all(siteId)]);
  const wanted = new Map<string, CrmLeadView>();
  const leads: Lead[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await input.leads.listLeads(siteId, { limit: 100, ...(startKey ? { startKey } : {}) });
    for (const lead of page.items) {
      leads.push(lead);
      const decision = manual.get(lead.leadId);
      if (decision && 'unlinked' in decision) continue;
      if (decision) {
        const account = byId.get(decision.accountId);
        if (account) wanted.set(lead.leadId, leadView(provider, account, account.deals, 'manual'));
        continue;
      }
      const outcome = index.match({ leadId: lead.leadId, name: lead.organisation.name, ...(lead.organisation.domain ? { domain: lead.organisation.domain } : {}) });
      const account = outcome.matched ? byId.get(outcome.accountId) : undefined;
      if (outcome.matched && account) wanted.set(lead.leadId, leadView(provider, account, account.deals, outcome.matchedBy));
    }
    startKey = page.lastKey;
  } while (startKey);

  const set = new Map([...wanted].filter(([leadId, view]) => input.refreshAll || JSON.stringify(existing.get(leadId)) !== JSON.stringify(view)));
  const remove = [...existing.keys()].filter((leadId) => !wanted.has(leadId));
  await input.links.writeLinks(siteId, input.connectionId, { set, remove }, input.copyDays);
  return { links: wanted.size, changed: set.size + remove.length, leads, views: wanted };
}
