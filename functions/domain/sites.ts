import type { Site } from '../contracts/deployment-config';

/** Does `origin` (e.g. `http://localhost:5173`) match a pattern (`http://localhost:*`, `https://www.example.com`)? */
export function originMatches(pattern: string, origin: string): boolean {
  const normalised = origin.toLowerCase();
  if (pattern.endsWith(':*')) {
    const base = pattern.slice(0, -2);
    return normalised === base || new RegExp(`^${escapeRegExp(base)}:\\d{1,5}$`).test(normalised);
  }
  return normalised === pattern;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
