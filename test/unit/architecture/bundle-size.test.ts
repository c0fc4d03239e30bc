import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(path) ? [path] : [];
  });

/**
 * What keeps the functions' bundles small, and so their cold starts short (README, "IP intelligence": the
 * enrichment bundle went from 1,216 to 563 kB).
 */
describe('function bundles', () => {
  it('import zod as a namespace: its named `z` export drags in all 40 locales (about 360 kB minified)', () => {
    const offenders = [...filesUnder('functions'), ...filesUnder('dashboard')]
      .filter((file) => /import\s*\{\s*z\s*\}\s*from\s*'zod'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative('.', file));
    expect(offenders).toEqual([]);
  });
});
