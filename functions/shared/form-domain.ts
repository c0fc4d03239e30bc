import disposableDomains from 'disposable-email-domains/index.json' with { type: 'json' };
import freeMailDomains from 'email-providers/all.json' with { type: 'json' };

/**
 * The form signal: a `form` event carries only the domain of an e-mail address typed into a form. A business
 * domain names the visitor's organisation when the network could not (home offices); free-mail and
 * disposable domains say nothing about an employer and are dropped. The lists are maintained packages:
 * `email-providers` (free-mail providers) and `disposable-email-domains`.
 */
let blocked: Set<string> | undefined;

function blockedDomains(): Set<string> {
  // Built on first use: ~130k entries, needed only for requests that carry a form event.
  blocked ??= new Set([...freeMailDomains, ...disposableDomains]);
  return blocked;
}

/** The registrable business domain, or undefined for free-mail, disposable or malformed domains. */
export function businessDomain(emailDomain: string): string | undefined {
  const domain = emailDomain.trim().toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
  const labels = domain.split('.');
  // mail.gmx.de is as free as gmx.de: check the domain and each parent above the top level.
  for (let i = 0; i < labels.length - 1; i++) {
    if (blockedDomains().has(labels.slice(i).join('.'))) return undefined;
  }
  return domain;
}
