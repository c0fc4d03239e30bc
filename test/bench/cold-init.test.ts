import { bundle, enrichmentColdInit } from '../../scripts/bench/ip/cold-init';

/**
 * `npm run bench:ip` starts the enrichment bundle with the environment the Lambda gets; when that environment fell
 * behind the function table, the benchmark printed "not measured" instead of a figure.
 */
describe('the enrichment cold-init probe of bench:ip', () => {
  it('starts the bundled handler with the environment its function table asks for', async () => {
    const { handler } = await bundle();
    const init = enrichmentColdInit(handler, 'build/ipdata');
    expect(init).not.toHaveProperty('error');
    expect(init).toMatchObject({ importMs: expect.any(Number) });
  }, 180_000);
});
