import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CrmLeadView } from '../../contracts/api/crm-lead';
import { keys, toEpochSeconds } from '../../contracts/table';
import type { PushRecord } from '../../domain/crm/push-plan';
import { CrmGuardedWriter, type GuardedWrite } from './crm-guard';
import { queryPages } from './query';

/**
 * Which CRM account each lead shows (`SITE#{site}#CRMLINK`, one small item per matched or linked lead), the leads
 * linked or unlinked by hand (`MANUAL#{leadId}`), and what was pushed per lead (`PUSH#{leadId}`).
 *
 * Read cost (docs/crm.md): a page of the leads list reads its leads' links with one BatchGetItem, half a read unit
 * per lead, after a Query of one item that finds out whether the site has any link (half a unit); the list filtered
 * by CRM status reads the site's links whole, about half a unit per 4 KB (some 25 links).
 */
export type ManualDecision = { readonly accountId: string } | { readonly unlinked: true };

const BATCH_GET_LIMIT = 100;

export class CrmLinkStore {
  private readonly guarded: CrmGuardedWriter;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.guarded = new CrmGuardedWriter(doc, tableName);
  }

  /** The links of some leads (a page of the list). */
  async forLeads(siteId: string, leadIds: readonly string[]): Promise<Map<string, CrmLeadView>> {
    const links = new Map<string, CrmLeadView>();
    if (leadIds.length === 0) return links;
    const probe = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.crmLinkPartition(siteId) }, Limit: 1 }),
    );
    if ((probe.Items ?? []).length === 0) return links;
    for (let start = 0; start < leadIds.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] | undefined = leadIds.slice(start, start + BATCH_GET_LIMIT).map((leadId) => keys.crmLink(siteId, leadId));
      for (let attempt = 0; pending && pending.length > 0 && attempt < 10; attempt++) {
        const answer = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        for (const item of answer.Responses?.[this.tableName] ?? []) if (this.isLive(item)) links.set(String(item.sk), item.view as CrmLeadView);
        pending = answer.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return links;
  }

  async forLead(siteId: string, leadId: string): Promise<CrmLeadView | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmLink(siteId, leadId) }));
    return Item && this.isLive(Item) ? (Item.view as CrmLeadView) : undefined;
  }

  /** Every link of the site, by lead. */
  async all(siteId: string): Promise<Map<string, CrmLeadView>> {
    const links = new Map<string, CrmLeadView>();
    for await (const page of queryPages(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.crmLinkPartition(siteId) } })) {
      for (const item of page) if (this.isLive(item)) links.set(String(item.sk), item.view as CrmLeadView);
    }
    return links;
  }

  /** Sets and removes links in one go; each set link expires with the copy it came from. */
  async writeLinks(siteId: string, connectionId: string, change: { set: ReadonlyMap<string, CrmLeadView>; remove: readonly string[] }, copyDays: number): Promise<void> {
    const expiresAt = toEpochSeconds(this.clock()) + copyDays * 86_400;
    const writes: GuardedWrite[] = [
      ...[...change.set].map(([leadId, view]): GuardedWrite => ({ Put: { Item: { ...keys.crmLink(siteId, leadId), view, expiresAt } } })),
      ...change.remove.map((leadId): GuardedWrite => ({ Delete: { Key: keys.crmLink(siteId, leadId) } })),
    ];
    await this.guarded.write(siteId, connectionId, writes);
  }

  async manualDecisions(siteId: string): Promise<Map<string, ManualDecision>> {
    const decisions = new Map<string, ManualDecision>();
    for await (const page of queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :manual)',
      ExpressionAttributeValues: { ':pk': keys.crmPartition(siteId), ':manual': 'MANUAL#' },
    })) {
      for (const item of page) if (this.isLive(item)) decisions.set(String(item.sk).slice('MANUAL#'.length), item.decision as ManualDecision);
    }
    return decisions;
  }

  /** A link or unlink by hand outlives the copy: it is the customer's decision, kept as long as the lead. */
  async setManual(siteId: string, connectionId: string, leadId: string, decision: ManualDecision, keepDays: number): Promise<void> {
    const expiresAt = toEpochSeconds(this.clock()) + keepDays * 86_400;
    await this.guarded.write(siteId, connectionId, [{ Put: { Item: { ...keys.crmItem(siteId, `MANUAL#${leadId}`), decision, at: this.clock().toISOString(), expiresAt } } }]);
  }

  async pushRecord(siteId: string, leadId: string): Promise<PushRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmItem(siteId, `PUSH#${leadId}`), ConsistentRead: true }));
    return Item && this.isLive(Item) ? (Item.record as PushRecord) : undefined;
  }

  async putPushRecord(siteId: string, connectionId: string, leadId: string, record: PushRecord, keepDays: number): Promise<void> {
    const expiresAt = toEpochSeconds(this.clock()) + keepDays * 86_400;
    await this.guarded.write(siteId, connectionId, [{ Put: { Item: { ...keys.crmItem(siteId, `PUSH#${leadId}`), record, pushedAt: this.clock().toISOString(), expiresAt } } }]);
  }

  private isLive(item: Record<string, unknown>): boolean {
    return Number(item.expiresAt) > toEpochSeconds(this.clock());
  }
}
