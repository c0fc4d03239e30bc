import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Annotation } from '../../contracts/api/dashboard';
import { keys, toEpochSeconds } from '../../contracts/table';

/**
 * Tags and assignment of a site's leads: one small item per lead (at most 10 tags of 32 characters and one
 * assignee), kept as long as the lead would be kept (`leadDays` after the last change). They hold no visit data: an
 * erased lead's tags name nothing that still exists and expire on their own.
 */
export class AnnotationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly leadDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async set(siteId: string, leadId: string, tags: readonly string[], assignee: string | undefined): Promise<Annotation> {
    const now = this.clock();
    const annotation = {
      leadId,
      tags: [...new Set(tags)],
      ...(assignee === undefined ? {} : { assignee }),
      updatedAt: now.toISOString(),
      expiresAt: toEpochSeconds(now) + this.leadDays * 86_400,
    };
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: keys.annotationsPartition(siteId), sk: leadId, ...annotation } }));
    return { ...annotation, expiresAt: new Date(annotation.expiresAt * 1000).toISOString() };
  }

  /** The annotations of these leads (at most 100: one BatchGetItem), skipping expired ones. */
  async forLeads(siteId: string, leadIds: readonly string[]): Promise<Annotation[]> {
    if (leadIds.length === 0) return [];
    const now = toEpochSeconds(this.clock());
    let pending: Record<string, unknown>[] | undefined = leadIds.map((leadId) => ({ pk: keys.annotationsPartition(siteId), sk: leadId }));
    const found: Annotation[] = [];
    for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt += 1) {
      const answer: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
      for (const item of answer.Responses?.[this.tableName] ?? []) {
        if (Number(item.expiresAt) <= now) continue;
        found.push({
          leadId: String(item.sk),
          tags: Array.isArray(item.tags) ? item.tags.map(String) : [],
          ...(typeof item.assignee === 'string' ? { assignee: item.assignee } : {}),
          updatedAt: String(item.updatedAt),
          expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString(),
        });
      }
      pending = answer.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    if (pending && pending.length > 0) throw new Error(`${pending.length} annotations were not read after 5 attempts`);
    return found;
  }
}
