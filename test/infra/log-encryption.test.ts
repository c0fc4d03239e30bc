import { FUNCTIONS } from '../../functions/contracts/functions';
import { Template } from 'aws-cdk-lib/assertions';
import { applies, type Statement } from './policy-evaluator';
import { buildApp } from './support';

/**
 * Every log group is encrypted with the project key (cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted), and
 * the key lets CloudWatch Logs use it for log groups of this account in eu-west-1 only.
 */
describe.each([['http'], ['rest']])('log groups (ingestApi %s)', (ingestApi) => {
  const template = Template.fromStack(buildApp({ ingestApi }).stack);
  const keyId = template.getResourceId('AWS::KMS::Key');
  const logGroups = Object.entries(template.findResources('AWS::Logs::LogGroup')) as [string, { Properties: { KmsKeyId?: unknown } }][];

  test('every one (each function of the function table, the API logs) is encrypted with the project key', () => {
    // One per function; the REST API's access and execution logs; the HTTP API's access log when ingest is there.
    expect(logGroups.length).toBe(Object.keys(FUNCTIONS).length + (ingestApi === 'http' ? 3 : 2));
    for (const [id, logGroup] of logGroups) {
      expect({ id, key: logGroup.Properties.KmsKeyId }).toEqual({ id, key: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    }
  });

  test('the key lets CloudWatch Logs in eu-west-1 use it, for log groups of this account and region only', () => {
    const keyPolicy = (Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: (Statement & { Principal?: unknown })[] } } })
      .Properties.KeyPolicy;
    const forLogs = keyPolicy.Statement.filter((s) => JSON.stringify(s.Principal ?? null).includes('logs.'));
    expect(forLogs.map((s) => s.Principal)).toEqual([{ Service: 'logs.eu-west-1.amazonaws.com' }]);
    const [statement] = forLogs as [Statement];
    const use = (action: string, logGroupArn?: string) =>
      applies(statement, {
        action,
        resource: `${keyId}.Arn`,
        context: logGroupArn === undefined ? {} : { 'kms:EncryptionContext:aws:logs:arn': logGroupArn },
      });
    const own = 'arn:aws:logs:eu-west-1:123456789012:log-group:EirleadStack-IngestFunctionLogGroupFA1FDD02-AbCdEf';
    expect(use('kms:GenerateDataKey', own)).toBe(true);
    expect(use('kms:Decrypt', own)).toBe(true);
    expect(use('kms:Decrypt', 'arn:aws:logs:eu-west-1:210987654321:log-group:elsewhere')).toBe(false);
    expect(use('kms:Decrypt', 'arn:aws:logs:us-east-1:123456789012:log-group:elsewhere')).toBe(false);
    // Without the log-group context (a table, queue or salt ciphertext), CloudWatch Logs may do nothing.
    expect(use('kms:Decrypt')).toBe(false);
    expect(use('kms:CreateGrant', own)).toBe(false);
  });
});
