import { execFileSync } from 'node:child_process';

/**
 * The document lints clean with Redocly's `recommended` rules (errors and warnings alike). The lint runs in a
 * child process (@redocly/openapi-core is an ES module) through scripts/build/openapi-lint.ts, which uses the
 * library, not the CLI: no telemetry, no network.
 */
describe('the OpenAPI document', () => {
  it("has no problem by Redocly's recommended rules", () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build/openapi-lint.ts', '--json'], { encoding: 'utf8' });
    const problems = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as unknown[];
    expect(problems).toEqual([]);
  }, 60_000);
});
