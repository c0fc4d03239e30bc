import { CrmError } from '../domain/crm/connector';
import { HttpError } from '../platform/http';

/**
 * What a caller sees when the CRM refused or did not answer while the API talked to it (creating a connection,
 * rotating credentials, changing settings): a 400 that says which credential, scope or field is wrong, or a 502
 * with the CRM's own message. Never a 500 of ours for a CRM's fault, and nothing is stored in either case.
 */
export function crmHttpError(error: CrmError): HttpError {
  const missing = error.details.missing ?? [];
  switch (error.kind) {
    case 'auth':
      return new HttpError(400, 'CrmCredentialsRejected', `${error.provider} refused the credentials: ${error.providerMessage}`, [
        { path: 'credentials', message: error.providerMessage },
      ]);
    case 'scope':
      return new HttpError(
        400,
        'CrmScopeMissing',
        `The ${error.provider} credentials lack a scope or permission: ${error.providerMessage}`,
        missing.length > 0 ? missing.map((scope) => ({ path: 'credentials', message: `missing scope or permission ${scope}` })) : [{ path: 'credentials', message: error.providerMessage }],
      );
    case 'missing-field':
      return new HttpError(
        400,
        'CrmFieldMissing',
        `A custom field Eirlead writes is missing in ${error.provider}: ${error.providerMessage}`,
        missing.length > 0 ? missing.map((name) => ({ path: 'settings.fields', message: `create the field ${name} in ${error.provider} (docs/crm.md)` })) : [{ path: 'settings.fields', message: error.providerMessage }],
      );
    case 'rejected':
      // Refused before anything was sent, for a credential of ours to check (a Salesforce instance URL off My Domain).
      if (missing.length > 0) {
        return new HttpError(400, 'CrmCredentialsRejected', error.providerMessage, missing.map((name) => ({ path: `credentials.${name}`, message: error.providerMessage })));
      }
      return new HttpError(502, 'CrmRefused', `${error.provider} refused the request${error.details.status ? ` (HTTP ${error.details.status})` : ''}: ${error.providerMessage}`);
    case 'rate-limited':
      return new HttpError(502, 'CrmRateLimited', `${error.provider} asked to wait: ${error.providerMessage}`, undefined, error.details.retryAfterMs ? { 'Retry-After': String(Math.ceil(error.details.retryAfterMs / 1000)) } : {});
    case 'unavailable':
      return new HttpError(502, 'CrmUnavailable', `${error.provider} did not answer: ${error.providerMessage}`);
    default:
      return new HttpError(502, 'CrmRefused', `${error.provider} refused the request${error.details.status ? ` (HTTP ${error.details.status})` : ''}: ${error.providerMessage}`);
  }
}

/** Runs a call to the CRM and turns its refusals into the HTTP error above. */
export async function askingCrm<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CrmError) throw crmHttpError(error);
    throw error;
  }
}
