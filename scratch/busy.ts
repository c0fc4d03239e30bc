import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_RETENTION } from '../functions/contracts/deployment-config';
import { applyRequests } from '../functions/domain/leads/apply-requests';
import { leadItemFor } from '../functions/domain/leads/listing';
import { leadIdFor, type StoredLead } from '../functions/domain/leads/model';
import { storedLeadItem } from '../functions/adapters/dynamodb/lead-item';
import { itemSize } from '../scripts/bench/capacity-units';
const identified = { siteId: 'demo', leadId: leadIdFor('demo','asn:1'), organisation: { name: 'Siemens Aktiengesellschaft', asn: 1 }, match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16', class: 'business' as const, reason: 'curated: company: industrial manufacturer' }, location: { country: 'DE', region: 'Bavaria', city: 'Munich' } };
let lead: StoredLead | undefined;
const now = Date.now();
for (let v = 0; v < 50; v++) {
  const visitorId = randomUUID().replace(/-/g,'').padEnd(64,'0');
  const events = Array.from({length: 4}, (_, i) => ({ id: randomUUID(), type: 'pageview' as const, path: ['/', '/pricing', '/product', '/contact'][i]!, occurredAt: new Date(now - (50 - v) * 20_000 + i * 1000).toISOString() }));
  const eng = Array.from({length: 3}, (_, i) => ({ id: randomUUID(), type: 'engagement' as const, path: '/', engagedMs: 1000, occurredAt: new Date(now - (50 - v) * 20_000 + i * 1000 + 500).toISOString() }));
  lead = applyRequests(lead, identified, [{ visitorId, network: '193.16.4.0/24', events: [...events, ...eng] as never }], DEFAULT_RETENTION).lead ?? lead;
}
console.log(itemSize(marshall(storedLeadItem(leadItemFor(lead!, undefined).item)) as never));
