#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig } from '../lib/config';
import { EirleadStack } from '../lib/eirlead-stack';
import { applyNagPacks } from '../lib/nag';

const app = new App();
try {
  const config = loadConfig(app.node);
  new EirleadStack(app, 'EirleadStack', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    config,
  });
} catch (error) {
  // A configuration mistake is the user's to fix: show the message, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
applyNagPacks(app);
