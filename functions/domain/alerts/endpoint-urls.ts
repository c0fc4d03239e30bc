import type { EndpointKind } from '../../contracts/api/alerts';

/**
 * Which URLs an endpoint of each kind may have, judged when it is saved (the sender checks every address again when
 * it connects): a Slack endpoint is a Slack incoming webhook, a Teams endpoint a Workflows (Power Automate or Logic
 * Apps) trigger; retired Office 365 connector URLs (…webhook.office.com) are refused with a pointer to Workflows.
 * Where the local runtime allows loopback, a loopback URL stands for any kind, for the test receivers.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function endpointUrlProblem(kind: Exclude<EndpointKind, 'email'>, url: URL, options: { readonly allowLoopback?: boolean } = {}): string | undefined {
  if (options.allowLoopback && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  const host = url.hostname.toLowerCase();
  if (kind === 'slack') {
    return host === 'hooks.slack.com' && /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(url.pathname)
      ? undefined
      : 'must be a Slack incoming webhook URL, https://hooks.slack.com/services/T…/B…/…';
  }
  if (kind === 'teams') {
    if (host.endsWith('.webhook.office.com') || host === 'outlook.office.com') {
      return 'Office 365 connector webhooks are retired: create a Teams Workflows webhook (Workflows app, "Post to a channel when a webhook request is received")';
    }
    const workflowHost = host.endsWith('.logic.azure.com') || host.endsWith('.api.powerplatform.com');
    return workflowHost && url.pathname.includes('/workflows/') ? undefined : 'must be a Microsoft Teams Workflows webhook URL (…logic.azure.com/workflows/… or …api.powerplatform.com/…/workflows/…)';
  }
  return undefined;
}
