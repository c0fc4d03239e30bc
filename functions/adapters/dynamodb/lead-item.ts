import { keys, leadKeyParts } from '../../contracts/table';
import type { LeadItem } from '../../domain/leads/listing';

/**
 * A lead item as the table stores it. Its keys already hold the site, the lead and the listed last-seen time
 * (`pk` = SITE#{siteId}#LEAD#{leadId}, `gsi1sk` = {lastSeenAt}#{leadId}), so the item does not store them again: a
 * lead is rewritten on every batch that touches it and billed per started KB, and those three were about 4 % of its
 * write units (docs/cost.md). Items written before hold them too; they are read from the keys all the same.
 *
 * Every reader of lead items and index entries goes through `leadItemFrom`; every writer through `storedLeadItem`.
 * The index still lists the three among its projected attributes: DynamoDB cannot change an existing index's
 * projection, and a name no item holds costs nothing.
 */
const FROM_KEYS = ['siteId', 'leadId', 'lastSeenAt'] as const;

/** The lead item (or index entry) a read returned: its attributes, with what its keys hold instead of the keys. */
export function leadItemFrom(raw: Record<string, unknown>): LeadItem {
  const { pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk, ...attributes } = raw;
  const parts = leadKeyParts(pk, gsi1sk);
  if (!parts) throw new Error('Not a lead item: its pk or gsi1sk is not a lead key');
  return { ...(attributes as unknown as LeadItem), ...parts };
}

/** The item to put for a lead: its keys, and its attributes but those the keys hold. */
export function storedLeadItem(item: LeadItem): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...item };
  for (const name of FROM_KEYS) delete attributes[name];
  return { ...keys.lead(item.siteId, item.leadId), ...keys.leadIndex(item.siteId, item.lastSeenAt, item.leadId), ...attributes };
}
