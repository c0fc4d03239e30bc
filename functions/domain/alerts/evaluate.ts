import type { AlertConditions, AlertRule, AlertTrigger, CrmStanding } from '../../contracts/api/alerts';
import type { LeadChange } from './lead-change';
import { matchesAnyPath } from './path-patterns';

/** Whether a rule fires on a lead change; pure. Hidden organisations are the caller's to skip, before this. */

const CONFIDENCE_RANK = { low: 0, medium: 1, high: 2 } as const;

/** Page views and visits of the organisation within a rule's window (activity.ts), when the rule asks for them. */
export interface WindowActivity {
  readonly pageviews: number;
  readonly visits: number;
}

export function triggered(trigger: AlertTrigger, change: LeadChange): boolean {
  switch (trigger) {
    case 'pageview':
      return change.pageviewsAdded > 0;
    case 'new-organisation':
      return change.newOrganisation && change.pageviewsAdded > 0;
    case 'returning-organisation':
      return !change.newOrganisation && change.visitsAdded > 0;
    case 'new-visit':
      return change.visitsAdded > 0;
  }
}

/** Whether any enabled rule looks at the CRM status, which costs a read of the lead's CRM link. */
export function needsCrmStatus(rules: readonly AlertRule[]): boolean {
  return rules.some((rule) => rule.enabled && rule.conditions.crmStatus !== undefined);
}

/**
 * Every condition but `activity`, which costs a read: checked first, so the read is made only when it decides.
 * `crmStatus` is the lead's standing in the connected CRM (read by the caller where a rule needs it).
 */
export function matchesStaticConditions(conditions: AlertConditions, change: LeadChange, crmStatus: CrmStanding = 'unknown'): boolean {
  const { lead } = change;
  if (conditions.organisationClasses && !(lead.organisationClass && conditions.organisationClasses.includes(lead.organisationClass))) return false;
  if (conditions.countries && !conditions.countries.includes(lead.location.country)) return false;
  if (conditions.minConfidence && CONFIDENCE_RANK[lead.match.confidence] < CONFIDENCE_RANK[conditions.minConfidence]) return false;
  if (conditions.paths && !matchesAnyPath(conditions.paths, change.triggerPaths)) return false;
  if (conditions.crmStatus && !conditions.crmStatus.includes(crmStatus)) return false;
  return true;
}

export function matchesActivity(conditions: AlertConditions, activity: WindowActivity | undefined): boolean {
  const wanted = conditions.activity;
  if (!wanted) return true;
  if (!activity) return false;
  return activity.pageviews >= (wanted.pageviews ?? 0) && activity.visits >= (wanted.visits ?? 0);
}

/** The rules that may fire on this change before any window activity is known (enabled, triggered, static conditions). */
export function candidateRules(rules: readonly AlertRule[], change: LeadChange, crmStatus: CrmStanding = 'unknown'): AlertRule[] {
  return rules.filter((rule) => rule.enabled && triggered(rule.trigger, change) && matchesStaticConditions(rule.conditions, change, crmStatus));
}
