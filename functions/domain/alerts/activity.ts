import type { LeadChange } from './lead-change';

/**
 * A lead's page views and visits per hour over the last week, for rules on activity in a window ("3 page views in
 * 24 hours"): the lead holds lifetime counts only. Kept as one small item per lead (at most 168 buckets, about
 * 3 KB), written only for sites with such a rule. `version` is the lead version last counted, so a stream record
 * delivered again is not counted twice.
 */
export const ACTIVITY_HOURS = 168;

export interface LeadActivity {
  /** Hour (epoch seconds / 3600) → [page views, visits]. */
  readonly hours: Readonly<Record<string, readonly [number, number]>>;
  readonly version: number;
}

const hourOf = (iso: string): number => Math.floor(Date.parse(iso) / 3_600_000);

/** The activity with this change counted, or undefined when the change was counted before. */
export function countChange(activity: LeadActivity | undefined, change: LeadChange): LeadActivity | undefined {
  if (activity && activity.version >= change.lead.version) return undefined;
  const hour = hourOf(change.lead.lastSeenAt);
  const hours: Record<string, readonly [number, number]> = {};
  for (const [key, counts] of Object.entries(activity?.hours ?? {})) {
    if (Number(key) > hour - ACTIVITY_HOURS) hours[key] = counts;
  }
  const [pageviews, visits] = hours[hour] ?? [0, 0];
  hours[hour] = [pageviews + change.pageviewsAdded, visits + change.visitsAdded];
  return { hours, version: change.lead.version };
}

export function activityWithin(activity: LeadActivity, withinHours: number, now: Date): { pageviews: number; visits: number } {
  const from = Math.floor(now.getTime() / 3_600_000) - withinHours + 1;
  let pageviews = 0;
  let visits = 0;
  for (const [key, [views, count]] of Object.entries(activity.hours)) {
    if (Number(key) >= from) {
      pageviews += views;
      visits += count;
    }
  }
  return { pageviews, visits };
}
