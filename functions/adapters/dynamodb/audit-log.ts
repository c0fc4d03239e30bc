import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { checkStartKey } from './cursor';
import { queryPage } from './query';
import type { AuditAction, AuditRecord } from '../../contracts/api/privacy';
import { keys, toEpochSeconds } from '../../contracts/table';

export interface AuditEntry {
  keyId: string;
  action: AuditAction;
  siteId: string;
  /** A lead id or a truncated network; never a full IP address. */
  target?: string;
  /** Counts and names of what was done (a deletion receipt); never personal data or credentials. */
  details?: Record<string, string | number>;
}

const AuditStartKeySchema = z.strictObject({ pk: z.string(), sk: z.string() });

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

  /** Newest first; `startKey` is where the previous page ended (`lastKey`), checked to lie in this site's trail. */
  async list(siteId: string, limit: number, startKey?: unknown): Promise<{ items: AuditRecord[]; lastKey?: Record<string, unknown> }> {
    const partition = keys.auditPartition(siteId);
    const page = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': partition, ':now': toEpochSeconds(this.clock()) },
        ScanIndexForward: false,
      },
      limit,
      ['pk', 'sk'],
      startKey === undefined ? undefined : checkStartKey(startKey, AuditStartKeySchema, (key) => key.pk === partition),
    );
    return {
      items: page.items.map((item) => ({
        at: String(item.at),
        keyId: String(item.keyId),
        action: item.action as AuditAction,
        siteId: String(item.siteId),
        ...(typeof item.target === 'string' ? { target: item.target } : {}),
        ...(item.details && typeof item.details === 'object' ? { details: item.details as Record<string, string | number> } : {}),
        expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString(),
      })),
      ...(page.lastKey ? { lastKey: page.lastKey } : {}),
    };
  }
}
