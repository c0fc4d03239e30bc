import { createHash } from 'node:crypto';
import type { Organisation } from '../../contracts/api/leads';

/** What a site hides: an AS number, a domain or an organisation name (normalised). */
export type HiddenRule = { readonly asn: number } | { readonly domain: string } | { readonly name: string };

/** Case, spacing and Unicode forms ignored: "SAP  SE" and "sap se" are one name. */
export const normaliseOrganisationName = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Stable per rule, so hiding the same organisation twice keeps one entry. */
export function hiddenIdOf(rule: HiddenRule): string {
  const text = 'asn' in rule ? `asn:${rule.asn}` : 'domain' in rule ? `domain:${rule.domain}` : `name:${normaliseOrganisationName(rule.name)}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** Whether any of a site's rules hides a lead's organisation. */
export function hides(rules: readonly HiddenRule[], organisation: Organisation): boolean {
  const name = normaliseOrganisationName(organisation.name);
  return rules.some((rule) =>
    'asn' in rule ? rule.asn === organisation.asn : 'domain' in rule ? rule.domain === organisation.domain : normaliseOrganisationName(rule.name) === name,
  );
}
