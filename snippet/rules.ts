/**
 * The snippet's decisions that need no browser, kept apart so that they can be tested in Node and read on
 * their own. Everything here ends up in the ≤ 2 KB bundle: keep it small.
 */

/**
 * The `TCData` fields of the IAB TCF v2.2 CMP API that the consent rule reads.
 * https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework (CMP JS API v2.2)
 */
export interface TcData {
  readonly gdprApplies?: boolean;
  readonly eventStatus?: string;
  readonly purposeOneTreatment?: boolean;
  readonly purpose?: { readonly consents?: Readonly<Record<string, boolean>> };
}

/**
 * What a TCF v2.2 CMP's answer means for Eirlead: `true` send, `false` do not, `undefined` no decision yet
 * (the CMP is still loading or its dialog is open).
 *
 * The rule, so that it can be explained to a data protection officer:
 * - GDPR does not apply according to the CMP (`gdprApplies: false`): allowed. The CMP, configured by the site, is
 *   the authority on that; Global Privacy Control and Do Not Track still block sending.
 * - Otherwise consent to purpose 1 "Store and/or access information on a device" AND purpose 9 "Understand
 *   audiences through statistics or combinations of data from different sources" is required. Purpose 1 because
 *   reading the page address, referrer and user agent in the visitor's browser is access under ePrivacy
 *   Art. 5(3), even though the snippet stores nothing; where the publisher's country waives purpose 1 consent
 *   the CMP says so with `purposeOneTreatment`. Purpose 9 because naming the organisation a visit comes from is
 *   audience insight, not ad measurement (purposes 7, 8 would claim less than Eirlead does).
 * - No special feature: Eirlead neither uses precise geolocation (its location is the network's, city level)
 *   nor scans device characteristics.
 * - No vendor consent check: Eirlead is not on the IAB Global Vendor List, so there is no vendor id to look up.
 *   Sites that list it as a non-IAB vendor in their CMP call `eirlead('consent', …)` from the CMP instead.
 */
export function tcfDecision(tcData: TcData): boolean | undefined {
  if (tcData.gdprApplies === false) return true;
  if (tcData.eventStatus !== 'tcloaded' && tcData.eventStatus !== 'useractioncomplete') return undefined;
  const consents = tcData.purpose?.consents ?? {};
  return (consents[1] === true || tcData.purposeOneTreatment === true) && consents[9] === true;
}

/** The rule of the ingest API's `emailDomain` (functions/contracts/api/schemas.ts): a domain name, never an address. */
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/;

/**
 * The domain of an e-mail address typed into a form, in the form the API accepts (lower case, international
 * names in punycode, which the URL parser produces), or `undefined` for anything that is not an address.
 * Only this leaves the browser; the local part never does.
 */
export function emailDomainOf(value: string | null | undefined): string | undefined {
  const match = /^[^\s@]+@([^\s@/?#:\\]+)$/.exec((value ?? '').trim());
  if (!match?.[1]) return undefined;
  let host: string;
  try {
    host = new URL(`http://${match[1]}`).hostname;
  } catch {
    return undefined;
  }
  return host.length <= 253 && DOMAIN.test(host) ? host : undefined;
}

/** Page and referrer URLs the API accepts: http(s), at most 2048 characters (longer ones fail the whole event). */
export const isSendableUrl = (url: string): boolean => /^https?:\/\//i.test(url) && url.length <= 2048;

/**
 * What the snippet sends of a page or referrer URL: origin and path. The server keeps no more
 * (functions/domain/privacy/minimise.ts), so credentials, query strings and fragments, which carry reset tokens,
 * session ids and e-mail addresses, never leave the browser. Undefined for anything not sendable.
 */
export function originAndPath(url: string): string | undefined {
  if (!isSendableUrl(url)) return undefined;
  try {
    const parsed = new URL(url);
    const minimal = parsed.origin + parsed.pathname;
    return isSendableUrl(minimal) ? minimal : undefined;
  } catch {
    return undefined;
  }
}
