import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Retention } from '../../contracts/deployment-config';
import { keys } from '../../contracts/table';
import { withoutVisits } from '../../domain/leads/erasure';
import type { StoredLead, StoredVisit } from '../../domain/leads/model';
import { storedLeadItem } from './lead-item';

/** Erasure of some of a lead's visits (data-subject requests), with the lead's counts changed in the same step. */
export interface VisitErasure {
  readonly lead: StoredLead;
  readonly erased: readonly StoredVisit[];
  readonly remaining: readonly StoredVisit[];
}

export class LeadErasure {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: Retention,
  ) {}

  /**
   * Transactions of up to 100 items: the items of whole visits, with the lead's new state guarded by its
   * version, so the lead never counts a visit that is gone or misses one that is left. A visit stored in more
   * than 99 parts loses its first parts on their own; the lead changes with its last ones.
   */
  async eraseVisits({ lead, erased, remaining }: VisitErasure): Promise<void> {
    const leadKey = keys.lead(lead.siteId, lead.leadId);
    let current = lead;
    let chunk: StoredVisit[] = [];
    let itemKeys: StoredVisit['itemKeys'] = [];
    const commit = async (rest: readonly StoredVisit[]): Promise<StoredLead | undefined> => {
      const next = withoutVisits(current, chunk, [...rest, ...remaining], this.retention);
      const guard = { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': current.version } };
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...itemKeys.map((key) => ({ Delete: { TableName: this.tableName, Key: key } })),
            next
              ? { Put: { TableName: this.tableName, Item: storedLeadItem(storedFields(next)), ...guard } }
              : { Delete: { TableName: this.tableName, Key: leadKey, ...guard } },
          ],
        }),
      );
      chunk = [];
      itemKeys = [];
      return next;
    };
    for (const [index, visit] of erased.entries()) {
      let keysLeft = visit.itemKeys;
      if (itemKeys.length + keysLeft.length > TRANSACTION_DELETES && chunk.length > 0) {
        const next = await commit(erased.slice(index));
        if (!next) return;
        current = next;
      }
      while (keysLeft.length > TRANSACTION_DELETES) {
        await this.doc.send(
          new TransactWriteCommand({ TransactItems: keysLeft.slice(0, TRANSACTION_DELETES).map((key) => ({ Delete: { TableName: this.tableName, Key: key } })) }),
        );
        keysLeft = keysLeft.slice(TRANSACTION_DELETES);
      }
      chunk.push(visit);
      itemKeys.push(...keysLeft);
    }
    if (chunk.length > 0) await commit([]);
  }
}

/** A transaction holds 100 items: the deletes of visit items, and the lead. */
const TRANSACTION_DELETES = 99;

/** Only the lead's own attributes, without the keys a read brought along. */
function storedFields(lead: StoredLead): StoredLead {
  const { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, open, activeVisits, version, expiresAt } = lead;
  return { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, open, activeVisits, version, expiresAt };
}
