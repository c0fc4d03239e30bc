import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { applyNagPacks, nagPacks } from '../../lib/nag';
import { buildApp } from './support';

/** Every unacknowledged finding of every pack, as `RuleId @ construct path`, so a failure names both. */
function findings(scope: Parameters<ReturnType<typeof nagPacks>[number]['validateScope']>[0]): string[] {
  return nagPacks().flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? '?'}`)),
  );
}

describe('cdk-nag (AwsSolutions, Serverless)', () => {
  test('the stack has no unacknowledged finding', () => {
    const { stack } = buildApp();
    expect(findings(stack)).toEqual([]);
  });

  test('synth with the packs registered, as bin/eirlead.ts does, succeeds', () => {
    const { app } = buildApp();
    applyNagPacks(app);
    expect(() => app.synth()).not.toThrow();
  });

  // Proves the two checks above can fail: a queue without encryption, TLS policy or DLQ is reported,
  // and the same finding makes synth throw.
  test('a non-compliant resource is reported and fails synth', () => {
    const { app, stack } = buildApp();
    new sqs.Queue(stack, 'CarelessQueue', { retentionPeriod: Duration.days(1) });

    expect(findings(stack)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 @ EirleadStack/CarelessQueue/Resource',
        'AwsSolutions-SQS4 @ EirleadStack/CarelessQueue/Resource',
      ]),
    );
    applyNagPacks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
