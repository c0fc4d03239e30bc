import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, openApiText } from '../../../scripts/build/openapi';

describe('docs/openapi.json', () => {
  it('is the document the API serves (run `npm run build:openapi` after changing a route or schema)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });
});
