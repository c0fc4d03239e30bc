import type { QueuedEvent } from '../../contracts/queue-message';
import type { LeadClass } from '../../contracts/deployment-config';
import type { FormDomainFilter } from '../form-domain';
import type { IpIntel } from '../ip-intel';
import type { IpOverrideRules } from '../ip-overrides';
import { type Identified, leadIdFor } from './model';

export type Identification =
  | {
      kind: 'lead';
      lead: Identified & { leadId: string };
      /** Named by a domain typed into a form: the caller must claim the network's daily form-domain quota first. */
      formDomain?: string;
    }
  | { kind: 'dropped'; reason: string };

/** What the form signal needs to be trusted at all; a domain typed into a form is never verified. */
export const FORM_DOMAIN_REASON = 'domain typed by the visitor into a form; not verified';

export interface IdentifyContext {
  readonly ipIntel: IpIntel;
  readonly overrides: IpOverrideRules;
  readonly formDomains: FormDomainFilter;
  /** The site's `leadClasses`. */
  readonly leadClasses: readonly LeadClass[];
}

/**
 * Which organisation a visitor belongs to, in order of trust: the customer's own overrides, then the
 * network's registered holder when its class may become a lead on this site, then the business domain
 * typed into a form (a home-office visitor whose network is a carrier), from a browser on the site's own
 * origin with a page view in the same request. Carriers, clouds and unknown networks without such a signal
 * never become leads.
 */
export function identify(
  context: IdentifyContext,
  request: { readonly siteId: string; readonly network: string; readonly fromSiteOrigin: boolean; readonly events: readonly QueuedEvent[] },
): Identification {
  const { siteId, network, events } = request;
  const lead = (organisationKey: string, rest: Omit<Identified, 'siteId' | 'location'>): Identification => ({
    kind: 'lead',
    lead: { siteId, leadId: leadIdFor(siteId, organisationKey), location: context.ipIntel.locate(network), ...rest },
  });

  const override = context.overrides.organisationFor(network);
  if (override) {
    return lead(`override:${override.name.toLowerCase()}`, {
      organisation: { name: override.name, ...(override.domain ? { domain: override.domain } : {}) },
      match: { source: 'override', confidence: override.partial ? 'medium' : 'high', network: override.network, reason: 'range configured by you (ipOverrides)' },
    });
  }

  const match = context.ipIntel.lookupOrganisation(network);
  const leadClass = context.leadClasses.find((candidate) => candidate === match?.networkClass);
  if (match && leadClass) {
    return lead(`asn:${match.asn}`, {
      organisation: { name: match.name, asn: match.asn },
      // The class is kept on the lead for the list's `class` filter (a few bytes of the projected `match`).
      match: { source: 'asn-registry', confidence: match.confidence, network: match.network, reason: match.reason, class: leadClass },
    });
  }

  // A typed domain names an organisation only from a browser on the site (never from an anonymous script) and with
  // a page view of the same visit; the caller then holds it to a daily quota per network.
  const domain = request.fromSiteOrigin && events.some((event) => event.type === 'pageview') ? firstBusinessDomain(context.formDomains, events) : undefined;
  if (domain) {
    const identification = lead(`domain:${domain}`, {
      // A business domain (the form-domain filter drops mail providers and disposable domains): its class is
      // `business` (model.ts `organisationClassOf`).
      organisation: { name: domain, domain },
      match: { source: 'form-domain', confidence: 'low', network, reason: FORM_DOMAIN_REASON },
    });
    return identification.kind === 'lead' ? { ...identification, formDomain: domain } : identification;
  }
  return { kind: 'dropped', reason: match ? match.networkClass : 'unknown-network' };
}

function firstBusinessDomain(formDomains: FormDomainFilter, events: readonly QueuedEvent[]): string | undefined {
  for (const event of events) {
    if (event.type !== 'form') continue;
    const domain = formDomains.businessDomain(event.emailDomain);
    if (domain) return domain;
  }
  return undefined;
}
