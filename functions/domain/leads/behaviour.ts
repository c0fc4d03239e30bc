import { createHash } from 'node:crypto';
import type { BehaviourLimits } from '../../contracts/deployment-config';
import type { QueuedEvent } from '../../contracts/queue-message';
import type { ActiveVisit } from './model';

/**
 * Behaviour-based bot signals, as Leadinfo filters visitors: very many pages a day, the same page again and again,
 * very short visits. Pure: decided from the visitor's open-visit entry on the lead and the request's events.
 */

export type BehaviourDrop = 'bot-behaviour' | 'short-visit';

/** What the visitor's open-visit entry carries for these rules. */
export interface BehaviourState {
  /** Page views of this visitor-day in visits before this one (a visit that ended on its page or event bound). */
  readonly dayPages: number;
  /** A short hash of the last page viewed, and how often in a row. */
  readonly lastPage: string;
  readonly repeats: number;
}

const pageKey = (path: string): string => createHash('sha256').update(path).digest('base64url').slice(0, 6);

/** The state after `events` (sorted by time), continuing `open` when the visit continues. */
export function nextBehaviour(open: ActiveVisit | undefined, continues: boolean, events: readonly QueuedEvent[]): BehaviourState {
  let lastPage = open?.lp ?? '';
  let repeats = open?.rp ?? 0;
  for (const event of events) {
    if (event.type !== 'pageview') continue;
    const key = pageKey(event.path);
    repeats = key === lastPage ? repeats + 1 : 1;
    lastPage = key;
  }
  // A visit that ended on a bound hands its page views on to the visitor's next visit of the day.
  const dayPages = open === undefined ? 0 : continues ? (open.dp ?? 0) : (open.dp ?? 0) + open.pages;
  return { dayPages, lastPage, repeats };
}

/**
 * Whether the request's events feed no lead: `block` says the visitor-day is past a limit and feeds no lead from
 * now on; a short visit drops only its own page view.
 */
export function judgeBehaviour(
  open: ActiveVisit | undefined,
  events: readonly QueuedEvent[],
  limits: BehaviourLimits,
): { reason: BehaviourDrop; block: boolean } | undefined {
  const pageviews = events.filter((event) => event.type === 'pageview');
  const after = nextBehaviour(open, true, events);
  const pagesToday = (open?.dp ?? 0) + (open?.pages ?? 0) + pageviews.length;
  if (pagesToday > limits.maxPageviewsPerVisitorDay || after.repeats > limits.maxRepeatsOfOnePage) return { reason: 'bot-behaviour', block: true };
  if (open === undefined && pageviews.length === 1 && limits.minEngagedMsOfSinglePageVisit > 0) {
    const engaged = events.filter((event) => event.type === 'engagement');
    const engagedMs = engaged.reduce((sum, event) => sum + (event.type === 'engagement' ? event.engagedMs : 0), 0);
    // Only where the browser reported the page's time, as the snippet does when a page is left.
    if (engaged.length > 0 && engagedMs < limits.minEngagedMsOfSinglePageVisit) return { reason: 'short-visit', block: false };
  }
  return undefined;
}

/** Blocked visitor-days end an hour after their UTC day: the pseudonym changes with the day's salt anyway. */
export const blockUntil = (at: string): number => Math.floor(Date.parse(`${at.slice(0, 10)}T00:00:00Z`) / 1000) + 25 * 3600;
