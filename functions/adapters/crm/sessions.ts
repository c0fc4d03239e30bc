import {
  type CrmCredentials,
  HubSpotCredentialsSchema,
  PipedriveCredentialsSchema,
  SalesforceCredentialsSchema,
} from '../../contracts/api/crm';
import type { CrmProvider } from '../../contracts/api/crm-lead';
import type { CrmConnector } from '../../domain/crm/connector';
import { credentialsBinding, type StoredConnection } from '../dynamodb/crm-connections';
import { lastFour, type SealedSecret, type SecretBox } from '../kms/secret-box';
import type { ConnectorContext } from './context';
import { createConnector } from './registry';

/** Each provider's credentials, as the API takes them and as they are sealed. */
export const CREDENTIALS_SCHEMAS = {
  hubspot: HubSpotCredentialsSchema,
  salesforce: SalesforceCredentialsSchema,
  pipedrive: PipedriveCredentialsSchema,
} as const;

/** The secret part of a provider's credentials: the API shows its last four characters, no more. */
function secretOf(provider: CrmProvider, credentials: CrmCredentials): string {
  if (provider === 'hubspot' && 'token' in credentials) return credentials.token;
  if (provider === 'salesforce' && 'clientSecret' in credentials) return credentials.clientSecret;
  if (provider === 'pipedrive' && 'apiToken' in credentials) return credentials.apiToken;
  if (provider === 'pipedrive' && 'accessToken' in credentials) return credentials.accessToken;
  throw new Error(`Credentials of another provider than ${provider}`);
}

/**
 * Credentials in and out of the secret box, and connectors for stored connections. Opened credentials live only in
 * this process's memory, inside the connector that uses them; nothing here logs them.
 */
export class CrmSessions {
  constructor(
    private readonly box: SecretBox,
    readonly context: ConnectorContext,
  ) {}

  /** A connector for credentials not stored yet (to verify them first). */
  connectorFor(provider: CrmProvider, credentials: CrmCredentials, state?: unknown): CrmConnector {
    return createConnector(provider, credentials, state, this.context);
  }

  async seal(siteId: string, connectionId: string, provider: CrmProvider, credentials: CrmCredentials): Promise<{ sealed: SealedSecret; lastFour: string }> {
    return { sealed: await this.box.seal(JSON.stringify(credentials), credentialsBinding(siteId, connectionId)), lastFour: lastFour(secretOf(provider, credentials)) };
  }

  async open(connection: StoredConnection): Promise<CrmConnector> {
    const plaintext = await this.box.open(connection.sealed, credentialsBinding(connection.siteId, connection.connectionId));
    const credentials = CREDENTIALS_SCHEMAS[connection.provider].parse(JSON.parse(plaintext)) as CrmCredentials;
    return createConnector(connection.provider, credentials, connection.state, this.context);
  }
}
