#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig, SUPPORTED_REGION } from '../lib/config';
import { EirleadStack } from '../lib/eirlead-stack';
import { applyNagPacks } from '../lib/guards/nag';
import { assertResidentRegion, ResidencyError } from '../lib/guards/residency';

const app = new App();
try {
  // Before the configuration is read, so `-c region=us-east-1` fails with the residency rule named.
  const region: unknown = app.node.tryGetContext('region') ?? SUPPORTED_REGION;
  if (typeof region === 'string') assertResidentRegion(region, 'Eirlead (context "region")');
  const config = loadConfig(app.node);
  new EirleadStack(app, 'EirleadStack', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    config,
  });
  applyNagPacks(app);
} catch (error) {
  // A configuration mistake is the user's to fix: show the message, not a stack trace.
  if (!(error instanceof ConfigError) && !(error instanceof ResidencyError)) throw error;
  console.error(error.message);
  process.exit(1);
}
