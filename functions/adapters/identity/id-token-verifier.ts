import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { IdTokenVerifier } from './cognito-identity';

/**
 * Verifies a Cognito ID token with `aws-jwt-verify`: signature against the pool's JWKS (fetched once from
 * cognito-idp.eu-west-1.amazonaws.com, then cached), issuer, audience (the app client), token use and expiry.
 * `jwks` preloads the keys (tests: no fetch).
 */
export function cognitoIdTokenVerifier(userPoolId: string, clientId: string, jwks?: Parameters<ReturnType<typeof CognitoJwtVerifier.create>['cacheJwks']>[0]): IdTokenVerifier {
  const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
  if (jwks) verifier.cacheJwks(jwks);
  return async (idToken) => {
    const payload = await verifier.verify(idToken);
    const groups = payload['cognito:groups'];
    return { sub: payload.sub, ...(Array.isArray(groups) ? { 'cognito:groups': groups.map(String) } : {}) };
  };
}
