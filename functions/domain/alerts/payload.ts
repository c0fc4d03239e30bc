import type { AlertEvent, AlertLead, AlertTrigger, PayloadField } from '../../contracts/api/alerts';
import { TOP_PAGES, type StoredLead } from '../leads/model';
import { rankPaths } from '../leads/views';

/**
 * The body of an alert: organisation-level data only (name, class, match, location, pages, counts, a link), never a
 * visitor pseudonym, a network, an address, a referrer or anything about a person. Each endpoint may narrow it
 * further with its field allow-list.
 */
export interface AlertSubject {
  readonly lead: StoredLead;
  readonly triggerPaths: readonly string[];
  readonly returning: boolean;
}

export function alertLead(subject: AlertSubject, apiBaseUrl: string): AlertLead {
  const { lead } = subject;
  return {
    leadId: lead.leadId,
    siteId: lead.siteId,
    organisation: lead.organisation,
    ...(lead.organisationClass ? { organisationClass: lead.organisationClass } : {}),
    match: { source: lead.match.source, confidence: lead.match.confidence },
    location: lead.location,
    triggerPaths: [...subject.triggerPaths],
    topPages: rankPaths(Object.entries(lead.pageCounts))
      .slice(0, TOP_PAGES)
      .map(([path, views]) => ({ path, views })),
    visits: lead.visits,
    pageviews: lead.pageviews,
    firstSeenAt: lead.firstSeenAt,
    lastSeenAt: lead.lastSeenAt,
    link: `${apiBaseUrl.replace(/\/+$/, '')}/v1/sites/${lead.siteId}/leads/${lead.leadId}`,
  };
}

export function alertEvent(
  type: AlertEvent['type'],
  rule: { ruleId: string; name: string },
  trigger: AlertTrigger,
  subject: AlertSubject,
  apiBaseUrl: string,
  at: Date,
): AlertEvent {
  return {
    type,
    timestamp: at.toISOString(),
    data: { rule: { ruleId: rule.ruleId, name: rule.name }, trigger, returning: subject.returning, lead: alertLead(subject, apiBaseUrl) },
  };
}

/** The event with only the endpoint's allowed lead fields (leadId and siteId always stay). */
export function restrictFields(event: AlertEvent, fields: readonly PayloadField[] | undefined): AlertEvent {
  if (!fields) return event;
  const { leadId, siteId, ...rest } = event.data.lead;
  const kept = Object.fromEntries(Object.entries(rest).filter(([field]) => (fields as readonly string[]).includes(field)));
  return { ...event, data: { ...event.data, lead: { leadId, siteId, ...kept } } };
}

/** For a test-fire on a site with no lead yet: plainly an example (documentation range, example.com). */
export function exampleLead(siteId: string, at: Date): StoredLead {
  const iso = at.toISOString();
  return {
    leadId: 'example',
    siteId,
    organisation: { name: 'Example Organisation (test)', domain: 'example.com' },
    organisationClass: 'business',
    match: { source: 'asn-registry', confidence: 'high', network: '192.0.2.0/24' },
    location: { country: 'DE', city: 'Berlin' },
    firstSeenAt: iso,
    lastSeenAt: iso,
    visits: 1,
    pageviews: 2,
    engagedMs: 0,
    pageCounts: { '/pricing': 1, '/': 1 },
    lastPaths: ['/pricing'],
    version: 1,
    expiresAt: Math.floor(at.getTime() / 1000) + 86_400,
  };
}
