import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_RETENTION } from '../../functions/contracts/deployment-config';
import { keys } from '../../functions/contracts/table';
import { storedLeadItem } from '../../functions/adapters/dynamodb/lead-item';
import { applyRequests, type LeadRequest } from '../../functions/domain/leads/apply-requests';
import { leadIdFor } from '../../functions/domain/leads/model';

/**
 * Writes `count` leads of a site straight into the table, each built by the enrichment path's own rule
 * (applyRequests) from `visitsPerLead` visits of two page views, so the items are the ones the pipeline stores.
 * BatchWriteItem, a few batches in flight: a 100,000-lead site in minutes rather than the hour the pipeline's
 * read-modify-write per request would take on DynamoDB Local. For the export benchmark and API tests.
 */

export interface SeedOptions {
  readonly siteId: string;
  readonly count: number;
  /** @default 1 */
  readonly visitsPerLead?: number;
  /** Last seen this long ago at most, spread evenly. @default 30 days */
  readonly spreadMs?: number;
  /** @default now */
  readonly now?: Date;
  /** Write the visit items too (an export without visits reads only the leads). @default true */
  readonly writeVisits?: boolean;
  /** Batches in flight. @default 4 */
  readonly concurrency?: number;
  /** Called after each written batch with the leads written so far. */
  readonly progress?: (written: number) => void;
}

const COUNTRIES = ['DE', 'FR', 'NL', 'IE', 'SE', 'PL', 'ES', 'IT'];
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Lead `index` as the enrichment path builds it: its lead, and its visits' parts. */
function builtLead({ siteId, visitsPerLead = 1 }: Omit<SeedOptions, 'count'>, index: number, lastSeen: number) {
  const organisationKey = `asn:${64_512 + index}`;
  const identified = {
    siteId,
    leadId: leadIdFor(siteId, organisationKey),
    organisation: { name: `Example Organisation ${index}`, domain: `org${index}.example`, asn: 64_512 + index, country: COUNTRIES[index % COUNTRIES.length] },
    match: { source: 'asn-registry' as const, confidence: index % 3 === 0 ? ('medium' as const) : ('high' as const), network: `198.${index % 256}.0.0/16`, class: 'business' as const },
    location: { country: COUNTRIES[index % COUNTRIES.length] ?? 'DE', city: 'Example City' },
  };
  const requests: LeadRequest[] = Array.from({ length: visitsPerLead }, (_, visit) => {
    const start = lastSeen - (visitsPerLead - 1 - visit) * 2 * 3_600_000 - 60_000;
    return {
      visitorId: hex(`${siteId}/${index}/${visit}`),
      network: `198.${index % 256}.${visit % 256}.0/24`,
      events: [
        { id: hex(`${index}/${visit}/a`).slice(0, 32), type: 'pageview' as const, path: '/', title: 'Home', referrer: 'https://www.google.com/', occurredAt: new Date(start).toISOString() },
        { id: hex(`${index}/${visit}/b`).slice(0, 32), type: 'pageview' as const, path: '/pricing', title: 'Pricing', occurredAt: new Date(start + 60_000).toISOString() },
      ],
    };
  });
  const { lead, parts } = applyRequests(undefined, identified, requests, DEFAULT_RETENTION);
  if (!lead) throw new Error(`Lead ${index} produced no item`);
  return { lead, parts };
}

const templates = new Map<string, ReturnType<typeof builtLead>>();

/**
 * The items of lead `index` (the lead with its index keys, and its visit parts). Built once by applyRequests, then
 * copied with this lead's identity and times: applyRequests takes about a millisecond a lead, too slow for 100,000.
 */
export function leadItems(options: Omit<SeedOptions, 'count'>, index: number, count: number): Record<string, unknown>[] {
  const { siteId, visitsPerLead = 1, spreadMs = 30 * 86_400_000, now = new Date() } = options;
  const templateKey = `${siteId}/${visitsPerLead}/${now.getTime()}`;
  const template = templates.get(templateKey) ?? builtLead(options, 0, now.getTime());
  templates.set(templateKey, template);
  const shiftMs = -Math.floor((spreadMs * index) / Math.max(count, 1));
  const shifted = (iso: string) => new Date(Date.parse(iso) + shiftMs).toISOString();
  const own = index === 0 ? template : builtLeadIdentity(template, options, index);
  const lead = { ...own.lead, firstSeenAt: shifted(own.lead.firstSeenAt), lastSeenAt: shifted(own.lead.lastSeenAt), expiresAt: own.lead.expiresAt + Math.floor(shiftMs / 1000) };
  return [
    storedLeadItem(lead),
    ...own.parts.map(({ visitId, partKey, ...part }) => ({ ...keys.visitPart(siteId, lead.leadId, visitId, partKey), ...part })),
  ];
}

/** The template with lead `index`'s identity: id, organisation, network, country. */
function builtLeadIdentity(template: ReturnType<typeof builtLead>, { siteId }: Omit<SeedOptions, 'count'>, index: number): ReturnType<typeof builtLead> {
  const country = COUNTRIES[index % COUNTRIES.length] ?? 'DE';
  return {
    lead: {
      ...template.lead,
      leadId: leadIdFor(siteId, `asn:${64_512 + index}`),
      organisation: { name: `Example Organisation ${index}`, domain: `org${index}.example`, asn: 64_512 + index, country },
      match: { ...template.lead.match, confidence: index % 3 === 0 ? 'medium' : 'high', network: `198.${index % 256}.0.0/16` },
      location: { ...template.lead.location, country },
    },
    parts: template.parts,
  };
}

export async function seedLeads(doc: DynamoDBDocumentClient, tableName: string, given: SeedOptions): Promise<void> {
  // One time for the whole run, so every lead is a copy of the same template.
  const options = { ...given, now: given.now ?? new Date() };
  let next = 0;
  let written = 0;
  let batch: Record<string, unknown>[] = [];
  let batchLeads = 0;
  const flush = async (items: Record<string, unknown>[], leads: number) => {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
    written += leads;
    options.progress?.(written);
  };
  // Each worker takes the next lead's items until its batch of 25 is full; a lead's items never span batches.
  const worker = async () => {
    for (;;) {
      if (next >= options.count) break;
      const all = leadItems(options, next++, options.count);
      const items = options.writeVisits === false ? all.slice(0, 1) : all;
      if (batch.length + items.length > 25) {
        const full = batch;
        const leads = batchLeads;
        batch = items;
        batchLeads = 1;
        await flush(full, leads);
      } else {
        batch.push(...items);
        batchLeads += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  if (batch.length > 0) await flush(batch, batchLeads);
}
