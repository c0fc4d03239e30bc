import { useEffect, useState } from 'preact/hooks';
import { api, may, type HiddenOrganisation, type SessionInfo } from '../api';
import { formatDate } from '../format';
import { html } from '../html';
import { AlertRules, CrmConnections } from './settings-admin';
import { ApiKeys } from './settings-keys';

/** Who you are here, the hidden organisations, and what is configured elsewhere (API keys, alerts, CRM). */
export function SettingsPage({ session, siteId }: { session: SessionInfo; siteId: string }) {
  const [hidden, setHidden] = useState<HiddenOrganisation[] | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void api.hidden(siteId).then((list) => setHidden(list.items), () => setHidden([]));
  }, [siteId]);

  async function show(entry: HiddenOrganisation) {
    await api.show(siteId, entry.hiddenId);
    setHidden((hidden ?? []).filter((candidate) => candidate.hiddenId !== entry.hiddenId));
    setStatus('Shown again: its leads are back in the feed.');
  }
  const describe = (entry: HiddenOrganisation) => (entry.asn !== undefined ? `AS${entry.asn}` : (entry.domain ?? entry.name ?? entry.hiddenId));

  return html`
    <h1 tabindex="-1">Settings</h1>
    <p role="status" aria-live="polite">${status}</p>
    <section class="card" aria-labelledby="you-title">
      <h2 id="you-title">Your access</h2>
      <dl>
        <dt>Signed in as</dt><dd><code>${session.principal}</code>${session.localOnly ? ' (LOCAL_API_KEY, local runtime only)' : ''}</dd>
        <dt>Role</dt><dd>${session.role ?? 'API key'}</dd>
        <dt>May</dt><dd>${session.scopes.join(', ')}</dd>
      </dl>
    </section>
    <section class="card" aria-labelledby="hidden-title">
      <h2 id="hidden-title">Hidden organisations</h2>
      ${hidden === null
        ? html`<p role="status">Loading…</p>`
        : hidden.length === 0
          ? html`<p>None hidden. Hide one from its company page.</p>`
          : html`<table><caption class="visually-hidden">Hidden organisations</caption>
              <thead><tr><th scope="col">Hidden</th><th scope="col">Since</th><th scope="col">Shown again on</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
              <tbody>${hidden.map(
                (entry) => html`<tr><td>${describe(entry)}</td><td>${formatDate(entry.hiddenAt)}</td><td>${formatDate(entry.expiresAt)}</td>
                  <td>${may(session, 'leads:hide') ? html`<button type="button" class="link" aria-label=${`Show ${describe(entry)} again`} onClick=${() => show(entry)}>Show again</button>` : null}</td></tr>`,
              )}</tbody></table>`}
    </section>
    ${session.scopes.includes('keys:manage') ? html`<${ApiKeys} session=${session} siteId=${siteId} />` : null}
    ${may(session, 'alerts:manage') ? html`<${AlertRules} siteId=${siteId} />` : null}
    ${may(session, 'crm:manage') ? html`<${CrmConnections} siteId=${siteId} />` : null}
    <section class="card" aria-labelledby="elsewhere-title">
      <h2 id="elsewhere-title">Configured elsewhere</h2>
      <ul>
        <li>API keys for machines also with AWS credentials: <code>npm run keys -- create|list|revoke</code> (docs/api.md).</li>
        <li>Users and roles: <code>npm run users -- invite &lt;email&gt; --role viewer|sales|admin</code> (docs/dashboard.md).</li>
        <li>Alert endpoints and new CRM connections: through the API (docs/alerts.md, docs/crm.md), so that their secrets never pass through a browser.</li>
      </ul>
    </section>
  `;
}
