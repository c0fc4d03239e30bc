import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AlertEndpoint, type AlertRule, type Connection, type SyncStatus } from '../api';
import { formatDateTime } from '../format';
import { html } from '../html';

/**
 * Settings only admins see (the page shows them for `alerts:manage` and `crm:manage`; the API refuses everyone
 * else on its own): alert rules through the alerts API, CRM connections through the CRM API.
 */

const problem = (failure: unknown): string =>
  failure instanceof ApiError && failure.issues.length > 0 ? failure.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : (failure as Error).message;

const TRIGGERS: Record<string, string> = {
  pageview: 'Any page view',
  'new-organisation': 'A new organisation',
  'returning-organisation': 'A returning organisation',
  'new-visit': 'Any new visit',
};

export function AlertRules({ siteId }: { siteId: string }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [endpoints, setEndpoints] = useState<AlertEndpoint[]>([]);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void api.alertRules(siteId).then((list) => setRules(list.items), (failure: unknown) => (setRules([]), setStatus(problem(failure))));
    void api.alertEndpoints(siteId).then((list) => setEndpoints(list.items), () => setEndpoints([]));
  }, [siteId]);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const countries = String(data.get('countries') ?? '')
      .split(',')
      .map((code) => code.trim())
      .filter(Boolean);
    const paths = String(data.get('paths') ?? '')
      .split(',')
      .map((path) => path.trim())
      .filter(Boolean);
    try {
      const rule = await api.createAlertRule(siteId, {
        name: String(data.get('name') ?? ''),
        trigger: String(data.get('trigger')) as AlertRule['trigger'],
        endpointIds: data.getAll('endpointIds').map(String),
        conditions: { ...(countries.length ? { countries } : {}), ...(paths.length ? { paths } : {}) },
      });
      setRules([...(rules ?? []), rule]);
      setStatus(`Rule “${rule.name}” created.`);
      form.reset();
    } catch (failure) {
      setStatus(`Not created: ${problem(failure)}`);
    }
  }

  async function remove(rule: AlertRule) {
    if (!confirm(`Delete the alert rule “${rule.name}”?`)) return;
    try {
      await api.deleteAlertRule(siteId, rule.ruleId);
      setRules((rules ?? []).filter((candidate) => candidate.ruleId !== rule.ruleId));
      setStatus(`Rule “${rule.name}” deleted.`);
    } catch (failure) {
      setStatus(`Not deleted: ${problem(failure)}`);
    }
  }

  const endpointName = (endpointId: string) => endpoints.find((endpoint) => endpoint.endpointId === endpointId)?.name ?? endpointId;
  return html`<section class="card" aria-labelledby="alerts-title">
    <h2 id="alerts-title">Alert rules</h2>
    <p role="status" aria-live="polite" class="alerts-status">${status}</p>
    ${rules === null
      ? html`<p>Loading…</p>`
      : rules.length === 0
        ? html`<p>No alert rules.</p>`
        : html`<table class="alert-rules"><caption class="visually-hidden">Alert rules</caption>
            <thead><tr><th scope="col">Rule</th><th scope="col">When</th><th scope="col">Sent to</th><th scope="col">Enabled</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
            <tbody>${rules.map(
              (rule) => html`<tr><th scope="row">${rule.name}</th><td>${TRIGGERS[rule.trigger] ?? rule.trigger}</td>
                <td>${rule.endpointIds.map(endpointName).join(', ')}</td><td>${rule.enabled ? 'yes' : 'no'}</td>
                <td><button type="button" class="link danger" aria-label=${`Delete alert rule ${rule.name}`} onClick=${() => remove(rule)}>Delete</button></td></tr>`,
            )}</tbody></table>`}
    <h3>New rule</h3>
    ${endpoints.length === 0
      ? html`<p>No alert endpoint yet: create one through the API first (docs/alerts.md), then rules here.</p>`
      : html`<form class="inline" onSubmit=${create}>
          <div class="field"><label for="rule-name">Name</label><input id="rule-name" name="name" required maxlength="100" /></div>
          <div class="field"><label for="rule-trigger">When</label>
            <select id="rule-trigger" name="trigger">${Object.entries(TRIGGERS).map(([value, label]) => html`<option value=${value}>${label}</option>`)}</select></div>
          <div class="field"><label for="rule-countries">Countries (optional)</label><input id="rule-countries" name="countries" placeholder="DE, AT" /></div>
          <div class="field"><label for="rule-paths">Pages (optional)</label><input id="rule-paths" name="paths" placeholder="/pricing" /></div>
          <fieldset class="field"><legend>Send to</legend>
            ${endpoints.map(
              (endpoint) => html`<div class="check"><input type="checkbox" id=${`endpoint-${endpoint.endpointId}`} name="endpointIds" value=${endpoint.endpointId} />
                <label for=${`endpoint-${endpoint.endpointId}`}>${endpoint.name} (${endpoint.kind})</label></div>`,
            )}</fieldset>
          <button type="submit">Create rule</button>
        </form>`}
  </section>`;
}

export function CrmConnections({ siteId }: { siteId: string }) {
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [sync, setSync] = useState<Map<string, SyncStatus>>(new Map());
  const [status, setStatus] = useState('');
  useEffect(() => {
    void api.crmConnections(siteId).then(
      async (list) => {
        setConnections(list.items);
        const statuses = await Promise.all(list.items.map((connection) => api.crmStatus(siteId, connection.connectionId).catch(() => undefined)));
        setSync(new Map(statuses.filter((entry): entry is SyncStatus => entry !== undefined).map((entry) => [entry.connectionId, entry])));
      },
      (failure: unknown) => (setConnections([]), setStatus(problem(failure))),
    );
  }, [siteId]);

  async function disconnect(connection: Connection) {
    if (!confirm(`Disconnect ${connection.provider}? The synced copy, the links and the credentials are deleted at once.`)) return;
    try {
      await api.disconnectCrm(siteId, connection.connectionId);
      setConnections((connections ?? []).filter((candidate) => candidate.connectionId !== connection.connectionId));
      setStatus(`Disconnected ${connection.provider}; the receipt is in the audit trail.`);
    } catch (failure) {
      setStatus(`Not disconnected: ${problem(failure)}`);
    }
  }

  return html`<section class="card" aria-labelledby="crm-connections-title">
    <h2 id="crm-connections-title">CRM connections</h2>
    <p role="status" aria-live="polite" class="crm-connections-status">${status}</p>
    ${connections === null
      ? html`<p>Loading…</p>`
      : connections.length === 0
        ? html`<p>No CRM connected. Connect one through the API (docs/crm.md): its credentials never pass through this page.</p>`
        : html`<table class="crm-connections"><caption class="visually-hidden">CRM connections</caption>
            <thead><tr><th scope="col">CRM</th><th scope="col">Account</th><th scope="col">Credentials</th><th scope="col">Last sync</th><th scope="col">Synced copy</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
            <tbody>${connections.map((connection) => {
              const state = sync.get(connection.connectionId);
              const run = state?.lastRun;
              return html`<tr><th scope="row">${connection.provider}</th><td>${connection.account.name ?? connection.account.id}</td>
                <td>ending ${connection.credentials.lastFour}, set ${formatDateTime(connection.credentials.setAt)}</td>
                <td class="sync">${run ? `${run.outcome}${run.finishedAt ? `, ${formatDateTime(run.finishedAt)}` : ''}` : state?.queuedAt ? 'queued' : 'not yet'}${state && state.failures.length > 0 ? ` · last error: ${state.failures[0]?.message ?? ''}` : ''}</td>
                <td class="number">${state ? `${state.copy.accounts} accounts` : ''}</td>
                <td><button type="button" class="link danger" aria-label=${`Disconnect ${connection.provider}`} onClick=${() => disconnect(connection)}>Disconnect</button></td></tr>`;
            })}</tbody></table>`}
  </section>`;
}
