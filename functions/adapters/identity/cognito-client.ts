import { cognitoClient } from '../aws-clients/cognito';
import { CognitoIdentity } from './cognito-identity';
import { cognitoIdTokenVerifier } from './id-token-verifier';

/** The dashboard's identity provider on AWS: the stack's user pool and its app client, in eu-west-1. */
export const cognitoIdentity = (userPoolId: string, clientId: string): CognitoIdentity =>
  new CognitoIdentity(cognitoClient(), clientId, cognitoIdTokenVerifier(userPoolId, clientId));
