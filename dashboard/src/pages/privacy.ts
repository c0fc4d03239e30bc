import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, may, type AuditRecord, type SessionInfo } from '../api';
import { download, formatDateTime } from '../format';
import { html } from '../html';

/**
 * GDPR at hand: a data subject's access (Art. 15) and erasure (Art. 17) requests, the audit trail (Art. 5(2)), and
 * the record of processing with the privacy-notice text, generated from the deployment's configuration.
 */

function SubjectRequest({ siteId, kind }: { siteId: string; kind: 'access' | 'erasure' }) {
  const [result, setResult] = useState('');
  const [error, setError] = useState('');
  const prefix = `${kind}-`;
  async function submit(event: Event) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const body = {
      ip: String(data.get('ip') ?? '').trim(),
      from: new Date(String(data.get('from'))).toISOString(),
      to: new Date(String(data.get('to'))).toISOString(),
      ...(String(data.get('userAgent') ?? '').trim() ? { userAgent: String(data.get('userAgent')).trim() } : {}),
    };
    setError('');
    setResult('');
    try {
      if (kind === 'erasure' && !confirm('Erase everything that could stem from this address in this window? This cannot be undone.')) return;
      const answer = kind === 'access' ? await api.access(siteId, body) : await api.erase(siteId, body);
      const text = JSON.stringify(answer, null, 2);
      download(`eirlead-${kind}-request-${new Date().toISOString().slice(0, 10)}.json`, 'application/json', text);
      setResult(
        kind === 'access'
          ? `Done: ${(answer as { leads: unknown[] }).leads.length} leads matched network ${answer.matching.network}; the full answer was downloaded as JSON.`
          : `Done: ${(answer as { erased: { visits: number } }).erased.visits} visits erased in network ${answer.matching.network}; the answer was downloaded as JSON.`,
      );
    } catch (failure) {
      setError(failure instanceof ApiError && failure.issues.length > 0 ? failure.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : (failure as Error).message);
    }
  }
  return html`<form class="subject" onSubmit=${submit}>
    <div class="field"><label for=${`${prefix}ip`}>IP address</label><input id=${`${prefix}ip`} name="ip" required autocomplete="off" /></div>
    <div class="field"><label for=${`${prefix}from`}>From</label><input id=${`${prefix}from`} name="from" type="datetime-local" required /></div>
    <div class="field"><label for=${`${prefix}to`}>To</label><input id=${`${prefix}to`} name="to" type="datetime-local" required /></div>
    <div class="field"><label for=${`${prefix}ua`}>Browser User-Agent (optional)</label><input id=${`${prefix}ua`} name="userAgent" autocomplete="off" /></div>
    <button type="submit" class=${kind === 'erasure' ? 'danger' : ''}>${kind === 'access' ? 'File access request' : 'File erasure request'}</button>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <p role="status" aria-live="polite">${result}</p>
  </form>`;
}

function AuditTrail({ siteId }: { siteId: string }) {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [who, setWho] = useState('');
  const load = async (after?: string) => {
    const page = await api.audit(siteId, after);
    setRecords((known) => (after ? [...known, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    void load();
  }, [siteId]);
  const actions = [...new Set(records.map((record) => record.action))].sort();
  const shown = records.filter((record) => (!action || record.action === action) && (!who || record.keyId.includes(who)));
  return html`
    <div class="filters">
      <div class="field"><label for="audit-action">Action</label>
        <select id="audit-action" value=${action} onChange=${(event: Event) => setAction((event.target as HTMLSelectElement).value)}>
          <option value="">Any</option>${actions.map((name) => html`<option value=${name}>${name}</option>`)}</select></div>
      <div class="field"><label for="audit-who">Who (user or key id)</label>
        <input id="audit-who" value=${who} onInput=${(event: Event) => setWho((event.target as HTMLInputElement).value)} /></div>
    </div>
    <table><caption class="visually-hidden">Audit trail, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th></tr></thead>
      <tbody>${shown.map(
        (record) => html`<tr><td>${formatDateTime(record.at)}</td><td><code>${record.keyId}</code></td><td>${record.action}</td><td>${record.target ?? ''}</td></tr>`,
      )}</tbody></table>
    ${cursor ? html`<p><button type="button" onClick=${() => load(cursor)}>Load older</button></p>` : null}`;
}

export function PrivacyPage({ session, siteId }: { session: SessionInfo; siteId: string }) {
  return html`
    <h1 tabindex="-1">Privacy</h1>
    ${may(session, 'privacy:requests')
      ? html`<div class="columns">
          <section class="card" aria-labelledby="access-title">
            <h2 id="access-title">Access request (Art. 15)</h2>
            <p class="muted">What is stored that could relate to an address in a time window. The address is used for matching only, never stored.</p>
            <${SubjectRequest} siteId=${siteId} kind="access" />
          </section>
          <section class="card" aria-labelledby="erasure-title">
            <h2 id="erasure-title">Erasure request (Art. 17)</h2>
            <p class="muted">Erases the visits that could stem from the address in the window.</p>
            <${SubjectRequest} siteId=${siteId} kind="erasure" />
          </section>
        </div>`
      : html`<p>Data-subject requests need the admin role.</p>`}
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      ${may(session, 'audit:read') ? html`<${AuditTrail} siteId=${siteId} />` : html`<p>The audit trail needs the admin role.</p>`}
    </section>
    <section class="card" aria-labelledby="record-title">
      <h2 id="record-title">Record of processing and privacy notice</h2>
      <p>The record of processing activities (GDPR Art. 30) and the paragraph for your site’s privacy notice, generated from
        this deployment’s configuration: the same text as <code>npm run privacy:report</code>, so it cannot drift from what runs.</p>
      <p><a href="privacy-record">Read the record of processing and the privacy notice</a> (a page of its own, printable).</p>
    </section>
  `;
}
