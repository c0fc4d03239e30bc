import { App, Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ConfigError } from '../../lib/config';
import { applyNagPacks, DEFAULT_NAG_PACKS, nagPacks, type NagPackName } from '../../lib/guards/nag';
import { buildApp } from './support';

/**
 * The packs the stack is held to here: the defaults `cdk synth` runs, and NIST 800-53 rev. 5, the stricter pack of
 * the outside review (issue 14), whose every finding is fixed or acknowledged on the narrowest construct.
 */
const CHECKED_PACKS: readonly NagPackName[] = [...DEFAULT_NAG_PACKS, 'NIST80053R5'];

/** Every unacknowledged finding of every checked pack, as `RuleId @ construct path`, so a failure names both. */
function findings(scope: Parameters<ReturnType<typeof nagPacks>[number]['validateScope']>[0], packs = CHECKED_PACKS): string[] {
  return nagPacks(undefined, packs).flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? '?'}`)),
  );
}

describe('cdk-nag (AwsSolutions, Serverless, NIST 800-53 rev. 5)', () => {
  test('the stack has no unacknowledged finding', () => {
    const { stack } = buildApp();
    expect(findings(stack)).toEqual([]);
  });

  // The other shapes of the stack: the public routes on the REST API, and the optional web ACL.
  test.each([
    ['ingest on the REST API', { ingestApi: 'rest' }],
    ['with the web ACL', { waf: { enabled: true, rateLimitPer5Minutes: 2000 } }],
    ['ingest on the REST API behind the web ACL', { ingestApi: 'rest', waf: { enabled: true, rateLimitPer5Minutes: 2000 } }],
  ])('%s, the stack has no unacknowledged finding either', (_shape, context) => {
    expect(findings(buildApp(context).stack)).toEqual([]);
  });

  test('synth with the stricter pack selected, as a reviewer runs it (-c nagPacks=...), succeeds', () => {
    const { app } = buildApp({ nagPacks: 'AwsSolutions,Serverless,NIST80053R5' });
    applyNagPacks(app);
    expect(() => app.synth()).not.toThrow();
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

  // The selection must reach synth: a finding only the selected pack has (an unencrypted log group is fine by
  // AwsSolutions and Serverless) fails it, and with the default packs the same stack synthesises.
  test('a selected stricter pack runs at synth', () => {
    const withPlainLogGroup = (context: Record<string, unknown>) => {
      const { app, stack } = buildApp(context);
      new logs.LogGroup(stack, 'PlainLogGroup', { retention: logs.RetentionDays.ONE_MONTH });
      applyNagPacks(app);
      return () => app.synth();
    };
    expect(withPlainLogGroup({ nagPacks: 'NIST80053R5' })).toThrow(/NIST\.800\.53\.R5-CloudWatchLogGroupEncrypted/);
    expect(withPlainLogGroup({})).not.toThrow();
  });
});
