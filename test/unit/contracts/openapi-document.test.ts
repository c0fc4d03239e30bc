import { readFileSync } from 'node:fs';
import { LIST_REFRESH_MINUTES } from '../../../functions/contracts/names';
import { LIST_REFRESH_MS } from '../../../functions/domain/leads/listing';
import { OPENAPI_FILE, openApiText } from '../../../scripts/build/openapi';

describe('docs/openapi.json', () => {
  it('is the document the API serves (run `npm run build:openapi` after changing a route or schema)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });
});

describe('the leads list in the OpenAPI document', () => {
  const document = JSON.parse(openApiText()) as { paths: Record<string, Record<string, { description?: string }>> };

  it('states how far a listed lead may trail the lead, with the interval the store keeps (LIST_REFRESH_MINUTES)', () => {
    const description = document.paths['/v1/sites/{siteId}/leads']?.get?.description ?? '';
    expect(description).toContain(`${LIST_REFRESH_MINUTES} minutes behind the lead's own`);
    expect(description).toContain('exactly by the `lastSeenAt` each item shows');
    expect(LIST_REFRESH_MS).toBe(LIST_REFRESH_MINUTES * 60_000);
  });
});
