import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The form signal: a `form` event carries only the domain of an e-mail address typed into a form. A business
 * domain names the visitor's organisation when the network could not (home offices); free-mail and
 * disposable domains say nothing about an employer and are dropped. The names come from maintained packages
 * (`email-providers`, `disposable-email-domains`), written by `npm run build:ipdata` into the enrichment data
 * directory as one name per line.
 */
export const BLOCKED_EMAIL_DOMAINS_FILE = 'blocked-email-domains.txt';

export class FormDomainFilter {
  private blocked: Set<string> | undefined;

  constructor(private readonly dataDir: string) {}

  /** The business domain, or undefined for free-mail, disposable or malformed domains. */
  businessDomain(emailDomain: string): string | undefined {
    const domain = emailDomain.trim().toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
    const blocked = this.blockedDomains();
    const labels = domain.split('.');
    // mail.gmx.de is as free as gmx.de: check the domain and each parent above the top level.
    for (let i = 0; i < labels.length - 1; i++) {
      if (blocked.has(labels.slice(i).join('.'))) return undefined;
    }
    return domain;
  }

  /** Read on first use: ~130k names, which no cold start without a form event should pay for. */
  private blockedDomains(): Set<string> {
    this.blocked ??= new Set(readFileSync(join(this.dataDir, BLOCKED_EMAIL_DOMAINS_FILE), 'utf8').split('\n').filter(Boolean));
    return this.blocked;
  }
}
