import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local stand-in for the KMS key: created once, readable only by the owner, and kept so that daily salts
 * stored before a restart can still be decrypted after it.
 */
export function persistentMasterKey(dataDir: string): string {
  const path = join(dataDir, 'master.key');
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it between the check and the write; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = readFileSync(path, 'utf8').trim();
  if (Buffer.from(key, 'base64').length !== 32) {
    throw new Error(`${path} does not hold a base64 256-bit key; delete it (and the data it protects) to start afresh`);
  }
  return key;
}
