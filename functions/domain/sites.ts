import type { Site } from '../contracts/deployment-config';

/**
 * A site's allowed origins (`https://www.example.com`, `http://localhost:*`) decide two things: which browser
 * origins may post its events (CORS and the `Origin` check) and which page URLs count as its pages. Both read the
 * pattern through `parseOrigin`, the one place its syntax is understood.
 */
interface OriginPattern {
  readonly scheme: string;
  readonly host: string;
  /** A fixed port, `*` for any, or '' for the scheme's default. */
  readonly port: string;
}

const ORIGIN = /^(https?):\/\/([^:/]+)(?::(\d{1,5}|\*))?$/;

function parseOrigin(origin: string): OriginPattern | undefined {
  const [, scheme, host, port] = ORIGIN.exec(origin.toLowerCase()) ?? [];
  return scheme && host ? { scheme, host, port: port ?? '' } : undefined;
}

/** Does a browser's `Origin` header (`http://localhost:5173`) match a pattern? Scheme, host and port must agree. */
export function originMatches(pattern: string, origin: string): boolean {
  const allowed = parseOrigin(pattern);
  const actual = parseOrigin(origin);
  if (!allowed || !actual || actual.port === '*') return false;
  return allowed.scheme === actual.scheme && allowed.host === actual.host && (allowed.port === '*' || allowed.port === actual.port);
}

/** Does a page URL belong to the site? Its host (and port, unless the pattern allows any) must be an allowed origin's. */
export function isSiteUrl(site: Site, url: URL): boolean {
  return site.allowedOrigins.some((pattern) => {
    const allowed = parseOrigin(pattern);
    if (!allowed || url.hostname !== allowed.host) return false;
    return allowed.port === '*' || url.port === allowed.port;
  });
}

export class SiteRegistry {
  private readonly byId: Map<string, Site>;

  constructor(sites: readonly Site[]) {
    this.byId = new Map(sites.map((site) => [site.siteId, site]));
  }

  find(siteId: string): Site | undefined {
    return this.byId.get(siteId);
  }

  isOriginAllowed(site: Site, origin: string): boolean {
    return site.allowedOrigins.some((pattern) => originMatches(pattern, origin));
  }

  /** For CORS preflights, which carry no body and so no site id: any configured site's origin. */
  isOriginAllowedForAnySite(origin: string): boolean {
    return [...this.byId.values()].some((site) => this.isOriginAllowed(site, origin));
  }
}
