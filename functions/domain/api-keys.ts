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
