import { lookup } from 'node:dns/promises';
import type { AlertEndpoint, AlertEndpointRequest } from '../contracts/api/alerts';
import { toEpochSeconds } from '../contracts/table';
import { secretBinding, type StoredEndpoint, type StoredSigningSecret } from '../adapters/dynamodb/alert-config-store';
import { lastFour, type SecretBox } from '../adapters/kms/secret-box';
import { checkUrl, type OutboundPolicy, OutboundRefusedError } from '../adapters/outbound/sender';
import { endpointUrlProblem } from '../domain/alerts/endpoint-urls';
import { judgeAddress } from '../domain/outbound/destinations';
import { badRequest } from '../platform/http';

/**
 * An endpoint as it is saved: its URL judged by the rules the sender applies when it connects (HTTPS, no credentials,
 * public addresses only) and by its kind (a Slack URL is Slack's), its URL and signing secret sealed under the
 * project key. A host name is resolved now too, and refused when it points inward; one that does not resolve yet is
 * accepted, because the sender checks every address again at connect time anyway.
 */
export async function judgeEndpointUrl(kind: 'webhook' | 'slack' | 'teams', url: string, policy: OutboundPolicy): Promise<URL> {
  const refuse = (message: string) => badRequest(`Invalid url: ${message}`, [{ path: 'url', message }]);
  let parsed: URL;
  try {
    parsed = checkUrl(url, policy);
  } catch (error) {
    throw refuse(error instanceof OutboundRefusedError ? error.message.replace('Outbound request refused: ', '') : 'not a URL');
  }
  const problem = endpointUrlProblem(kind, parsed, policy);
  if (problem) throw refuse(problem);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = /^[\d.]+$|:/.test(host) ? [host] : await resolved(host);
  const inward = addresses.map((address) => judgeAddress(address, policy)).find((verdict) => !verdict.allowed);
  if (inward && !inward.allowed) throw refuse(`points to a ${inward.reason}, which alerts never go to`);
  return parsed;
}

/** Resolution is a courtesy here (the sender's connect-time check is the guard): two seconds, then accepted. */
const SAVE_TIME_LOOKUP_MS = 2_000;

async function resolved(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), SAVE_TIME_LOOKUP_MS)));
  const lookedUp = lookup(host, { all: true }).then(
    (entries) => entries.map((entry) => entry.address),
    () => [],
  );
  try {
    return await Promise.race([lookedUp, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function sealEndpoint(
  secrets: SecretBox,
  siteId: string,
  endpointId: string,
  request: AlertEndpointRequest,
  url: URL | undefined,
  times: { createdAt: string; updatedAt: string },
): Promise<StoredEndpoint> {
  const base = { endpointId, kind: request.kind, name: request.name, status: 'active' as const, ...(request.fields ? { fields: request.fields } : {}), ...times };
  if (request.kind === 'email') return { ...base, to: request.to, mode: request.mode };
  if (!url) throw new Error('An HTTP endpoint needs its judged URL');
  const sealedUrl = await secrets.seal(request.url, secretBinding(siteId, endpointId, 'url'));
  const stored = { ...base, host: url.host, urlLastFour: lastFour(request.url), sealedUrl };
  if (request.kind !== 'webhook') return stored;
  return { ...stored, secrets: [await sealSecret(secrets, siteId, endpointId, request.secret)] };
}

export async function sealSecret(secrets: SecretBox, siteId: string, endpointId: string, secret: string): Promise<StoredSigningSecret> {
  return { sealed: await secrets.seal(secret, secretBinding(siteId, endpointId, 'secret')), lastFour: lastFour(secret) };
}

/** The new secret first; the current one keeps signing until `keepHours` from now; older ones are dropped. */
export function rotatedSecrets(current: readonly StoredSigningSecret[], fresh: StoredSigningSecret, keepHours: number, now: Date): StoredSigningSecret[] {
  const previous = current.find((secret) => secret.expiresAt === undefined);
  return keepHours > 0 && previous ? [fresh, { ...previous, expiresAt: toEpochSeconds(now) + keepHours * 3600 }] : [fresh];
}

/** What the API shows: never a URL or secret, only hosts and last four characters. */
export function endpointView(endpoint: StoredEndpoint, now: Date): AlertEndpoint {
  const live = (endpoint.secrets ?? []).filter((secret) => secret.expiresAt === undefined || secret.expiresAt > toEpochSeconds(now));
  return {
    endpointId: endpoint.endpointId,
    kind: endpoint.kind,
    name: endpoint.name,
    status: endpoint.status,
    ...(endpoint.disabledReason ? { disabledReason: endpoint.disabledReason } : {}),
    ...(endpoint.host ? { host: endpoint.host } : {}),
    ...(endpoint.urlLastFour ? { urlLastFour: endpoint.urlLastFour } : {}),
    ...(endpoint.secrets
      ? { secrets: live.map((secret) => ({ lastFour: secret.lastFour, ...(secret.expiresAt ? { expiresAt: new Date(secret.expiresAt * 1000).toISOString() } : {}) })) }
      : {}),
    ...(endpoint.to ? { to: [...endpoint.to] } : {}),
    ...(endpoint.mode ? { mode: endpoint.mode } : {}),
    ...(endpoint.fields ? { fields: [...endpoint.fields] } : {}),
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}
