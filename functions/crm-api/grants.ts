import { type ApiKeyGrant, type ApiScope } from '../contracts/api/api-keys';
import { allows } from '../domain/api-keys';
import { forbidden } from '../platform/http';

export { grantOf } from '../platform/api-key-grant';

export function requireScope(grant: ApiKeyGrant, siteId: string, scope: ApiScope): void {
  if (!allows(grant, siteId, scope)) throw forbidden('Forbidden', `This API key may not ${scope} on site ${siteId}`);
}
