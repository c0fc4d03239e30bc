import { spawnSync } from 'node:child_process';

/**
 * The typed client's types are what openapi-typescript makes of the served document. Run in a child process:
 * openapi-typescript pulls ES-module-only dependencies that Jest's CommonJS runtime cannot load.
 */
describe('clients/typescript/schema.ts', () => {
  it('matches the document (run `npm run build:client` after changing a route or schema)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build/client.ts', '--check'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('clients/typescript/schema.ts is current');
    expect(run.status).toBe(0);
  }, 60_000);
});
