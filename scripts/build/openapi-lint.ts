/**
 * Lints the OpenAPI document with Redocly's `recommended` rules, through @redocly/openapi-core (the library the
 * Redocly CLI lints with): no CLI, so no telemetry and no update check; nothing here reaches the network.
 * test/unit/contracts/openapi-lint.test.ts runs it and fails on any problem, error or warning.
 *
 *   npm run lint:openapi          # problems, one a line; exit 1 if any
 *   npm run lint:openapi -- --json
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { openApiText } from './openapi';

export interface LintProblem {
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly where: string;
}

export async function lintOpenApi(): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: openApiText(), absoluteRef: 'openapi.json', config });
  return problems.map((problem) => ({
    rule: problem.ruleId,
    severity: problem.severity,
    message: problem.message,
    where: problem.location.map((location) => location.pointer ?? '').join(' '),
  }));
}

if (process.argv[1]?.endsWith('openapi-lint.ts')) {
  const problems = await lintOpenApi();
  if (process.argv.includes('--json')) console.log(JSON.stringify(problems));
  else for (const p of problems) console.log(`${p.severity} ${p.rule}: ${p.message} at ${p.where}`);
  if (!process.argv.includes('--json')) console.log(problems.length === 0 ? 'openapi.json: no problems (Redocly recommended)' : `${problems.length} problems`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
