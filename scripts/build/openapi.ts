/**
 * Writes docs/openapi.json, the OpenAPI document the API serves at GET /v1/openapi.json, so it can be read and
 * diffed without running anything. test/unit/contracts/openapi-document.test.ts fails when it is stale.
 *
 *   npm run build:openapi
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../functions/contracts/openapi';

export const OPENAPI_FILE = join('docs', 'openapi.json');

/** Stable text: two-space indentation and a final newline, so a change shows as a small diff. */
export const openApiText = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (process.argv[1]?.endsWith('openapi.ts')) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
