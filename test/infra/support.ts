import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../../lib/config';
import { EirleadStack } from '../../lib/eirlead-stack';
import { projectRoot } from '../../lib/project-root';

/** The context `cdk synth` would see: cdk.json (sites, retention, feature flags) plus the overrides. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot(), 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/**
 * Builds the app the way bin/eirlead.ts does, with bundling skipped (tests need the template, not the
 * bundles, and must not depend on build/ipdata).
 */
export function buildApp(overrides: Record<string, unknown> = {}): { app: App; stack: EirleadStack } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...overrides } });
  const config = loadConfig(app.node);
  const stack = new EirleadStack(app, 'EirleadStack', {
    env: { account: '123456789012', region: config.region },
    config,
  });
  return { app, stack };
}
