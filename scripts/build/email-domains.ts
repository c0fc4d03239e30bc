import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BLOCKED_EMAIL_DOMAINS_FILE } from '../../functions/domain/form-domain';

const require = createRequire(import.meta.url);

/** Free-mail and disposable domains, one per line, for the form signal (functions/domain/form-domain.ts). */
export function writeBlockedEmailDomains(outDir: string): number {
  const lists = ['email-providers/all.json', 'disposable-email-domains/index.json'].map(
    (name) => JSON.parse(readFileSync(require.resolve(name), 'utf8')) as string[],
  );
  const names = [...new Set(lists.flat().map((name) => name.trim().toLowerCase()).filter(Boolean))].sort();
  writeFileSync(join(outDir, BLOCKED_EMAIL_DOMAINS_FILE), `${names.join('\n')}\n`);
  return names.length;
}
