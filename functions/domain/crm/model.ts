import type { CrmLeadView, CrmMatchedBy, CrmProvider, CrmStatus } from '../../contracts/api/crm-lead';

/**
 * What the sync keeps of a CRM account: only what matching and the lead's `crm` view need (data minimisation). No
 * contacts, leads, tasks, notes or e-mail addresses; the owner is the CRM user's id, and the name where the CRM
 * sends it with the account.
 */
export interface CrmAccount {
  readonly accountId: string;
  readonly name: string;
  /** As the CRM holds them (website, domain, additional domains), normalised when matched. */
  readonly domains: readonly string[];
  readonly owner?: { readonly id: string; readonly name?: string };
  /** `customer` where the CRM says so; `other` for everything else. */
  readonly lifecycle: 'customer' | 'other';
  /** Open deals (HubSpot, Pipedrive) or opportunities (Salesforce), when the account's answer counts them. */
  readonly openDeals?: number;
  readonly url: string;
  /** The Eirlead id a push wrote to it (the lead it was pushed from). */
  readonly externalId?: string;
  /** When the CRM last changed it, as it reports (for incremental syncs). */
  readonly modifiedAt?: string;
}

/** An open deal or opportunity, reduced to what the count and total need. */
export interface OpenDeal {
  readonly accountId: string;
  readonly amount?: number;
  readonly currency?: string;
}

/** Open deals of one account, summed by the sync. */
export interface OpenDealsTotal {
  readonly count: number;
  readonly amount: number;
  /** Set when every counted deal had this currency. */
  readonly currency?: string;
}

export function totalOpenDeals(deals: Iterable<OpenDeal>): Map<string, OpenDealsTotal> {
  const totals = new Map<string, { count: number; amount: number; currencies: Set<string> }>();
  for (const deal of deals) {
    const total = totals.get(deal.accountId) ?? { count: 0, amount: 0, currencies: new Set<string>() };
    total.count += 1;
    total.amount += deal.amount ?? 0;
    if (deal.currency) total.currencies.add(deal.currency);
    totals.set(deal.accountId, total);
  }
  return new Map(
    [...totals].map(([accountId, { count, amount, currencies }]) => [
      accountId,
      { count, amount: Math.round(amount * 100) / 100, ...(currencies.size === 1 ? { currency: [...currencies][0] } : {}) },
    ]),
  );
}

export function statusOf(account: Pick<CrmAccount, 'lifecycle' | 'openDeals'>, openDeals?: OpenDealsTotal): CrmStatus {
  if (account.lifecycle === 'customer') return 'customer';
  return (openDeals?.count ?? account.openDeals ?? 0) > 0 ? 'open-deal' : 'known';
}

export function leadView(provider: CrmProvider, account: CrmAccount, openDeals: OpenDealsTotal | undefined, matchedBy: CrmMatchedBy): CrmLeadView {
  return {
    provider,
    accountId: account.accountId,
    name: account.name,
    url: account.url,
    status: statusOf(account, openDeals),
    ...(account.owner ? { owner: { id: account.owner.id, ...(account.owner.name ? { name: account.owner.name } : {}) } } : {}),
    matchedBy,
  };
}
