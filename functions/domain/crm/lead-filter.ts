import type { CrmFilter, CrmLeadView } from '../../contracts/api/crm-lead';

/** Whether the leads list's `crm` filter keeps a lead with this CRM account (undefined: none matched or linked). */
export function keptByCrmFilter(filter: CrmFilter, account: CrmLeadView | undefined): boolean {
  switch (filter) {
    case 'any':
      return account !== undefined;
    case 'none':
      return account === undefined;
    default:
      return account?.status === filter;
  }
}
