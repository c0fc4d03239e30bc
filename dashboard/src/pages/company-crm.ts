import { useState } from 'preact/hooks';
import { api, ApiError, may, type LeadWithVisits, type PushResult, type SessionInfo } from '../api';
import { html } from '../html';

/**
 * The company's standing in the connected CRM (the lead's `crm` field: matched or linked account, status, link) and,
 * for those who may push (`crm:push`: sales and admin), a push through the CRM API with a dry run first: the page
 * shows exactly the requests the push would send (the API's own dry-run answer), and sends them only when asked.
 */

const STATUS: Record<string, string> = {
  customer: 'Customer',
  'open-deal': 'Open deal',
  known: 'Known account (neither customer nor open deal)',
};
const MATCHED_BY: Record<string, string> = {
  'external-id': 'pushed from Eirlead before (the account carries its id)',
  domain: 'the same domain',
  name: 'the same name',
  manual: 'linked by hand',
};
const PROVIDER: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', pipedrive: 'Pipedrive' };

/** A link into the CRM only when it is an https URL: the URL comes from the CRM's data, never trusted as markup. */
const safeCrmUrl = (url: string): string | undefined => {
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
};

function Preview({ result }: { result: PushResult }) {
  const item = result.items[0];
  if (!item) return null;
  if (item.outcome === 'not-found') return html`<p role="alert" class="error">The lead is no longer there.</p>`;
  if (!result.dryRun) {
    return item.outcome === 'pushed'
      ? html`<p>Pushed: account <code>${item.accountId ?? ''}</code>${item.created ? ' created' : ' updated'}${item.notes ? `, ${item.notes.created} visit notes added` : ''}.</p>`
      : html`<p role="alert" class="error">The CRM refused the push: ${item.error?.message ?? item.error?.code ?? 'unknown error'}.</p>`;
  }
  return html`
    <p>${item.target === 'linked-account' ? 'Updates the linked account.' : 'Creates the company, or updates the one carrying this lead’s Eirlead id.'}
      These ${item.requests?.length ?? 0} requests would be sent, and nothing else:</p>
    <ol class="planned">
      ${(item.requests ?? []).map(
        (planned) => html`<li>
          <p><code>${planned.method} ${planned.path}</code>${planned.condition ? html` <span class="muted">(only ${planned.condition})</span>` : null}</p>
          ${planned.body === undefined ? null : html`<pre class="report" tabindex="0" aria-label=${`Body of ${planned.method} ${planned.path}`}>${JSON.stringify(planned.body, null, 2)}</pre>`}
        </li>`,
      )}
    </ol>`;
}

export function CrmPanel({ session, siteId, lead }: { session: SessionInfo; siteId: string; lead: LeadWithVisits }) {
  const [result, setResult] = useState<PushResult | undefined>(undefined);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const crm = lead.crm;
  const url = crm ? safeCrmUrl(crm.url) : undefined;

  async function push(dryRun: boolean) {
    setBusy(true);
    setMessage('');
    try {
      setResult(await api.push(siteId, { leadIds: [lead.leadId], dryRun }));
    } catch (failure) {
      setResult(undefined);
      setMessage(failure instanceof ApiError && failure.status === 409 ? 'No CRM is connected to this site (an admin connects one in Settings).' : `Not sent: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="crm-title">
    <h2 id="crm-title">In the CRM</h2>
    ${crm
      ? html`<dl class="crm">
          <dt>Status</dt><dd class="crm-status">${STATUS[crm.status] ?? crm.status}</dd>
          <dt>Account</dt><dd>${url ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${crm.name} in ${PROVIDER[crm.provider] ?? crm.provider}</a>` : crm.name}</dd>
          <dt>Matched by</dt><dd>${MATCHED_BY[crm.matchedBy] ?? crm.matchedBy}</dd>
        </dl>`
      : html`<p class="crm-status">Unknown: not matched or linked to any CRM account (or no CRM is connected).</p>`}
    ${may(session, 'crm:push')
      ? html`<div class="actions">
            <button type="button" class="secondary" disabled=${busy} onClick=${() => push(true)}>Preview push to the CRM</button>
            ${result?.dryRun && result.items[0]?.outcome === 'planned'
              ? html`<button type="button" disabled=${busy} onClick=${() => push(false)}>Push to the CRM</button>`
              : null}
          </div>
          <p class="muted">Company-level only: the organisation, its counts and pages as the connection allows; never a person, an e-mail address or an IP address.</p>
          <p role="status" aria-live="polite">${message}${result ? (result.dryRun ? 'Preview ready: nothing was sent.' : 'Push done.') : ''}</p>
          <div class="push-result">${result ? html`<${Preview} result=${result} />` : null}</div>`
      : null}
  </section>`;
}
