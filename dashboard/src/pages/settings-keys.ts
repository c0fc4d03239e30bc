import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ApiKeySummary, type ApiScope, type SessionInfo } from '../api';
import { formatDate } from '../format';
import { html } from '../html';

/**
 * API keys for machines, for admins (`keys:manage`): the API lists only keys within the admin's sites and makes only
 * keys no wider than the admin's own grant. A new key's secret is shown once, here, and never again.
 */

const problem = (failure: unknown): string =>
  failure instanceof ApiError && failure.issues.length > 0 ? failure.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : (failure as Error).message;

export function ApiKeys({ session, siteId }: { session: SessionInfo; siteId: string }) {
  const [keys, setKeys] = useState<ApiKeySummary[] | null>(null);
  const [secret, setSecret] = useState<{ keyId: string; apiKey: string } | undefined>(undefined);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void api.apiKeys().then((list) => setKeys(list.items), (failure: unknown) => (setKeys([]), setStatus(problem(failure))));
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    try {
      const created = await api.createApiKey({ sites: [siteId], scopes: data.getAll('scopes').map(String) as ApiScope[], days: Number(data.get('days')) });
      const { apiKey, ...summary } = created;
      setKeys([summary, ...(keys ?? [])]);
      setSecret({ keyId: created.keyId, apiKey });
      setStatus('Key created. Copy it now: it is shown this once.');
      form.reset();
    } catch (failure) {
      setStatus(`Not created: ${problem(failure)}`);
    }
  }

  async function revoke(key: ApiKeySummary) {
    if (!confirm(`Revoke key ${key.keyId}? Machines using it are refused from their next request.`)) return;
    try {
      await api.revokeApiKey(key.keyId);
      setKeys((keys ?? []).map((candidate) => (candidate.keyId === key.keyId ? { ...candidate, revoked: true } : candidate)));
      if (secret?.keyId === key.keyId) setSecret(undefined);
      setStatus(`Key ${key.keyId} revoked.`);
    } catch (failure) {
      setStatus(`Not revoked: ${problem(failure)}`);
    }
  }

  return html`<section class="card" aria-labelledby="keys-title">
    <h2 id="keys-title">API keys</h2>
    <p role="status" aria-live="polite" class="keys-status">${status}</p>
    ${secret
      ? html`<div class="notice new-key"><p><strong>New key</strong> (shown once; stored only as a hash):</p>
          <p><code class="secret-value">${secret.apiKey}</code></p>
          <button type="button" class="secondary" onClick=${() => setSecret(undefined)}>I have copied it</button></div>`
      : null}
    ${keys === null
      ? html`<p>Loading…</p>`
      : keys.length === 0
        ? html`<p>No API keys within your sites.</p>`
        : html`<table class="api-keys"><caption class="visually-hidden">API keys</caption>
            <thead><tr><th scope="col">Key id</th><th scope="col">Sites</th><th scope="col">May</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
            <tbody>${keys.map(
              (key) => html`<tr><th scope="row"><code>${key.keyId}</code></th><td>${key.sites.join(', ')}</td><td>${key.scopes.join(', ')}</td>
                <td>${formatDate(key.expiresAt)}</td><td>${key.revoked ? 'revoked' : 'active'}</td>
                <td>${key.revoked ? null : html`<button type="button" class="link danger" aria-label=${`Revoke key ${key.keyId}`} onClick=${() => revoke(key)}>Revoke</button>`}</td></tr>`,
            )}</tbody></table>`}
    <h3>New key for site ${siteId}</h3>
    <form class="inline" onSubmit=${create}>
      <fieldset class="field scopes"><legend>May (only what you may yourself)</legend>
        ${session.scopes.map(
          (scope) => html`<div class="check"><input type="checkbox" id=${`scope-${scope}`} name="scopes" value=${scope} checked=${scope === 'leads:read'} />
            <label for=${`scope-${scope}`}>${scope}</label></div>`,
        )}</fieldset>
      <div class="field"><label for="key-days">Valid for (days)</label><input id="key-days" name="days" type="number" min="1" max="3650" value="90" required /></div>
      <button type="submit">Create key</button>
    </form>
  </section>`;
}
