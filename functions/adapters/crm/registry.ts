import type { CrmCredentials, HubSpotCredentials, PipedriveCredentials, SalesforceCredentials } from '../../contracts/api/crm';
import type { CrmProvider } from '../../contracts/api/crm-lead';
import type { CrmConnector } from '../../domain/crm/connector';
import type { ConnectorContext } from './context';
import { HubSpotConnector } from './hubspot';
import { PipedriveConnector } from './pipedrive';
import { SalesforceConnector } from './salesforce';

/**
 * The connectors by provider: a fourth CRM is a connector file (implementing `CrmConnector`), its credentials
 * schema in functions/contracts/api/crm.ts, and one entry here.
 */
const CONNECTORS: Record<CrmProvider, (credentials: CrmCredentials, state: unknown, context: ConnectorContext) => CrmConnector> = {
  hubspot: (credentials, state, context) => new HubSpotConnector(credentials as HubSpotCredentials, HubSpotConnector.stateOf(state), context),
  salesforce: (credentials, state, context) => new SalesforceConnector(credentials as SalesforceCredentials, SalesforceConnector.stateOf(state), context),
  pipedrive: (credentials, state, context) => new PipedriveConnector(credentials as PipedriveCredentials, PipedriveConnector.stateOf(state), context),
};

/** A connector for a connection: its credentials (opened), and the state its `verify` answered (absent before). */
export function createConnector(provider: CrmProvider, credentials: CrmCredentials, state: unknown, context: ConnectorContext): CrmConnector {
  return CONNECTORS[provider](credentials, state, context);
}
