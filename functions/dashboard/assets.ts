import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * The built app (scripts/build/dashboard.ts): `manifest.json` names the entry script and style of the app shell
 * and every file under `assets/` with its content type. Everything is read once at cold start (about 100 KB) and
 * answered from memory.
 */
export const DashboardManifestSchema = z.object({
  entry: z.object({
    script: z.string(),
    style: z.string(),
    /** Chunks the entry script imports statically: announced in the shell so they load beside it, not after it. */
    preload: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/)).default([]),
  }),
  files: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), z.object({ contentType: z.string() })),
  /**
   * Generated texts served to signed-in people only, so kept apart from the public `assets/`: the record of
   * processing (scripts/ops/privacy-report.ts), as a path under the build folder.
   */
  documents: z.object({ privacyReport: z.string().regex(/^documents\/[A-Za-z0-9._-]+$/).optional() }).default({}),
});
export type DashboardManifest = z.infer<typeof DashboardManifestSchema>;

export interface Asset {
  readonly body: string;
  readonly contentType: string;
}

export interface DashboardAssets {
  readonly manifest: DashboardManifest;
  get(name: string): Asset | undefined;
  /** The record of processing and privacy notice, as `npm run privacy:report` prints it (Markdown). */
  readonly privacyReport?: string;
}

export function loadAssets(directory: string): DashboardAssets {
  const manifest = DashboardManifestSchema.parse(JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')));
  const files = new Map<string, Asset>();
  for (const [name, { contentType }] of Object.entries(manifest.files)) {
    files.set(name, { body: readFileSync(join(directory, 'assets', name), 'utf8'), contentType });
  }
  const report = manifest.documents.privacyReport;
  return { manifest, get: (name) => files.get(name), ...(report ? { privacyReport: readFileSync(join(directory, report), 'utf8') } : {}) };
}
