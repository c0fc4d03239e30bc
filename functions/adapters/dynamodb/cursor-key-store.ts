import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../contracts/table';
import type { KeyService } from '../kms/key-service';
import { EncryptedSecrets } from './encrypted-secrets';

/** `2026-12` */
const monthOf = (date: Date): string => date.toISOString().slice(0, 7);
const monthStart = (month: string): Date => new Date(`${month}-01T00:00:00Z`);
const monthsAfter = (month: string, months: number): Date => {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
};

/**
 * The keys that sign page cursors: one per month, random, stored encrypted under the project key. A month's key
 * lives until the month after next begins, so a cursor handed out late in a month still verifies in the next one.
 */
export class CursorKeyStore {
  private readonly secrets: EncryptedSecrets;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(doc: DynamoDBDocumentClient, tableName: string, keyService: KeyService) {
    this.secrets = new EncryptedSecrets(doc, tableName, keyService, 'eirlead-cursor-key', keys.cursorKey, 'encryptedKey');
  }

  /** This month's key and its id, made on first use. */
  async current(now = new Date()): Promise<{ id: string; key: Uint8Array }> {
    const id = monthOf(now);
    let key = this.cache.get(id);
    if (!key) {
      key = await this.secrets.getOrCreate(id, monthsAfter(id, 2));
      this.cache.set(id, key);
    }
    return { id, key };
  }

  /** The key a cursor names, while it exists: this month's or last month's; undefined for any other. */
  async byId(id: string, now = new Date()): Promise<Uint8Array | undefined> {
    const thisMonth = monthOf(now);
    const lastMonth = monthOf(new Date(monthStart(thisMonth).getTime() - 1));
    if (id !== thisMonth && id !== lastMonth) return undefined;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const key = id === thisMonth ? (await this.current(now)).key : await this.secrets.existing(id, now);
    if (key) this.cache.set(id, key);
    return key;
  }
}
