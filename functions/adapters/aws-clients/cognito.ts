import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

/** Cognito's regional endpoint, cognito-idp.eu-west-1.amazonaws.com: the dashboard's sign-in (no hosted UI). */
export const cognitoClient = (options: ClientOptions = {}): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({ ...options, region: REGION });
