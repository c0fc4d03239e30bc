/**
 * The feed's score, 0–100, half engagement and half how much is known about the match (as Leadfeeder's quality
 * bar), every point traceable to a signal that the page lists (docs/dashboard.md, "Score").
 */

export interface ScoredLead {
  readonly visits: number;
  readonly pageviews: number;
  readonly engagedSeconds: number;
  readonly lastSeenAt: string;
  readonly organisation: { readonly domain?: string };
  readonly match: { readonly confidence: 'high' | 'medium' | 'low'; readonly source: string };
  readonly location: { readonly city?: string };
}

export interface Signal {
  readonly label: string;
  readonly points: number;
}

const DAY_MS = 86_400_000;

export function scoreOf(lead: ScoredLead, now = Date.now()): { score: number; signals: Signal[] } {
  const ageDays = (now - Date.parse(lead.lastSeenAt)) / DAY_MS;
  const signals: Signal[] = [
    // Engagement, at most 50.
    { label: `${lead.visits} visit${lead.visits === 1 ? '' : 's'} (4 points each, at most 20)`, points: Math.min(lead.visits, 5) * 4 },
    { label: `${lead.pageviews} page view${lead.pageviews === 1 ? '' : 's'} (1 point each, at most 10)`, points: Math.min(lead.pageviews, 10) },
    {
      label: `${Math.round(lead.engagedSeconds / 60)} minutes on pages (2 points a minute, at most 10)`,
      points: Math.min(Math.floor(lead.engagedSeconds / 30), 10),
    },
    { label: ageDays <= 1 ? 'seen in the last day (10)' : ageDays <= 7 ? 'seen in the last week (5)' : 'not seen this week (0)', points: ageDays <= 1 ? 10 : ageDays <= 7 ? 5 : 0 },
    // What is known, at most 50.
    {
      label: `${lead.match.confidence} match confidence (high 30, medium 15, low 5)`,
      points: lead.match.confidence === 'high' ? 30 : lead.match.confidence === 'medium' ? 15 : 5,
    },
    { label: lead.organisation.domain ? 'website domain known (10)' : 'no website domain (0)', points: lead.organisation.domain ? 10 : 0 },
    { label: lead.location.city ? 'city known (10)' : 'no city (0)', points: lead.location.city ? 10 : 0 },
  ];
  return { score: signals.reduce((sum, signal) => sum + signal.points, 0), signals };
}
