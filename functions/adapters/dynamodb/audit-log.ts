import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor';
import type { AuditAction, AuditRecord } from '../../contracts/api/privacy';
import { keys, toEpochSeconds } from '../../contracts/table';

export interface AuditEntry {
  keyId: string;
  action: AuditAction;
  siteId: string;
  /** A lead id or a truncated network; never a full IP address. */
  target?: string;
}

const AuditCursorSchema = z.strictObject({ pk: z.string(), sk: z.string() });

/**
 * Accountability (GDPR Art. 5(2)): who read, exported or erased what, when. Records expire like everything
 * else (`auditDays`), and reads skip expired ones.
 */
export class AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly auditDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const now = this.clock();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.auditPartition(entry.siteId),
          sk: `${now.toISOString()}#${randomUUID()}`,
          ...entry,
          at: now.toISOString(),
          expiresAt: toEpochSeconds(now) + this.auditDays * 86_400,
        },
      }),
    );
  }

  /** Newest first. */
  async list(siteId: string, limit: number, cursor?: string): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    const partition = keys.auditPartition(siteId);
    let startKey: Record<string, unknown> | undefined = cursor
      ? decodeCursor(cursor, AuditCursorSchema, (key) => key.pk === partition)
      : undefined;
    const items: Record<string, unknown>[] = [];
    let exhausted = false;
    while (items.length < limit) {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': partition, ':now': toEpochSeconds(this.clock()) },
          ScanIndexForward: false,
          Limit: limit - items.length + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) {
        exhausted = true;
        break;
      }
    }
    const pageItems = items.slice(0, limit);
    const last = pageItems[pageItems.length - 1];
    return {
      items: pageItems.map((item) => ({
        at: String(item.at),
        keyId: String(item.keyId),
        action: item.action as AuditAction,
        siteId: String(item.siteId),
        ...(typeof item.target === 'string' ? { target: item.target } : {}),
        expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString(),
      })),
      nextCursor: (items.length > limit || !exhausted) && last ? encodeCursor({ pk: last.pk, sk: last.sk }) : null,
    };
  }
}
