import { App, Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ConfigError } from '../../lib/config';
import { applyNagPacks, nagPacks } from '../../lib/guards/nag';
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

describe('selectable packs (context nagPacks)', () => {
  const packNames = (context: Record<string, unknown>) =>
    applyNagPacks(new App({ context })).map((pack) => pack.readPackName);

  test('AwsSolutions and Serverless run by default', () => {
    expect(packNames({})).toEqual(['AwsSolutions', 'Serverless']);
  });

  test('a comma list (as -c passes it) or a cdk.json list selects packs; blanks and repeats are ignored', () => {
    expect(packNames({ nagPacks: ' AwsSolutions, NIST80053R5,,AwsSolutions' })).toEqual(['AwsSolutions', 'NIST.800.53.R5']);
    expect(packNames({ nagPacks: ['HIPAASecurity', 'PCIDSS321', 'NIST80053R4'] })).toEqual([
      'HIPAA.Security',
      'PCI.DSS.321',
      'NIST.800.53.R4',
    ]);
  });

  test('an unknown pack name fails, naming it and the choices', () => {
    const apply = () => applyNagPacks(new App({ context: { nagPacks: 'AwsSolutions,NIST80053R6' } }));
    expect(apply).toThrow(ConfigError);
    expect(apply).toThrow(/unknown pack "NIST80053R6".*choose from AwsSolutions, Serverless, HIPAASecurity/);
  });

  test('an empty selection or a non-list fails rather than running no checks', () => {
    expect(() => applyNagPacks(new App({ context: { nagPacks: ' , ' } }))).toThrow(/name at least one pack/);
    expect(() => applyNagPacks(new App({ context: { nagPacks: { AwsSolutions: true } } }))).toThrow(/comma-separated list/);
  });

  // The selection must reach synth: a stricter pack's findings (not acknowledged wholesale) fail it.
  test('a selected stricter pack runs at synth', () => {
    const { app } = buildApp({ nagPacks: 'NIST80053R5' });
    applyNagPacks(app);
    expect(() => app.synth()).toThrow(/NIST\.800\.53\.R5-/);
  });
});
