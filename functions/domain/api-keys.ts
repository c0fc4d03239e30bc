import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX, type ApiKeyGrant, type ApiScope } from '../contracts/api/api-keys';

/** Keys are stored only as SHA-256 hashes: they are 256-bit random, so a slow hash would add nothing. */
export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function allows(grant: ApiKeyGrant, siteId: string, scope: ApiScope): boolean {
  return (grant.sites.includes('*') || grant.sites.includes(siteId)) && grant.scopes.includes(scope);
}

/**
 * What of `wanted` the `holder` does not hold itself: sites it does not cover (`*` is covered only by `*`) and
 * scopes it lacks. Empty lists: a key with `wanted` would be no wider than the holder, so the holder may make it.
 */
export function beyondGrant(holder: Pick<ApiKeyGrant, 'sites' | 'scopes'>, wanted: Pick<ApiKeyGrant, 'sites' | 'scopes'>): { sites: string[]; scopes: ApiScope[] } {
  const everySite = holder.sites.includes('*');
  return {
    sites: wanted.sites.filter((site) => !everySite && !holder.sites.includes(site)),
    scopes: wanted.scopes.filter((scope) => !holder.scopes.includes(scope)),
  };
}

/** Whether every site of a key lies within the holder's sites: the keys a holder may see and revoke. */
export const withinSites = (holder: Pick<ApiKeyGrant, 'sites'>, key: Pick<ApiKeyGrant, 'sites'>): boolean =>
  holder.sites.includes('*') || key.sites.every((site) => site !== '*' && holder.sites.includes(site));
