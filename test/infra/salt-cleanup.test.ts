import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { RolePolicies } from './policy-evaluator';
import { buildApp } from './support';

/**
 * The hourly salt cleanup is invoked asynchronously (EventBridge schedule): a run that still fails after Lambda's
 * retries goes to an encrypted queue, and a message there raises an alarm, because until a run succeeds expired
 * salts outlive their time.
 */
const template = Template.fromStack(buildApp().stack);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const idsOf = (type: string, prefix: string) => Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
const [failedRuns] = idsOf('AWS::SQS::Queue', 'SaltCleanupFailedRuns') as [string];
const [functionId] = Object.entries(resources)
  .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
  .filter(([, r]) => JSON.stringify(r.Properties.Environment).includes(`"${FUNCTIONS.saltCleanup.serviceName}"`))
  .map(([id]) => id) as [string];
const roleId = (resources[functionId]?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const keyArn = { 'Fn::GetAtt': [template.getResourceId('AWS::KMS::Key'), 'Arn'] };

test('a finally failed run goes to the FailedRuns queue, after two retries within an hour', () => {
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: functionId },
    MaximumRetryAttempts: 2,
    MaximumEventAgeInSeconds: 3600,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failedRuns, 'Arn'] } } },
  });
});

test('the queue is encrypted with the project key and refuses plain HTTP', () => {
  expect(resources[failedRuns]?.Properties).toMatchObject({ KmsMasterKeyId: keyArn });
  const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) => JSON.stringify(p).includes(`"${failedRuns}"`));
  expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
});

test('the function may send to it (the key through SQS only), and to no other queue', () => {
  const policies = new RolePolicies(template);
  const send = (resource: string) => policies.allows(roleId, { action: 'sqs:SendMessage', resource });
  expect(send(`${failedRuns}.Arn`)).toBe(true);
  for (const other of idsOf('AWS::SQS::Queue', 'Ingest')) expect(send(`${other}.Arn`)).toBe(false);
  const kms = (viaService?: string) =>
    policies.allows(roleId, { action: 'kms:GenerateDataKey', resource: `${keyArn['Fn::GetAtt'][0]}.Arn`, context: viaService ? { 'kms:ViaService': viaService } : {} });
  expect(kms('sqs.eu-west-1.amazonaws.com')).toBe(true);
  expect(kms()).toBe(false);
});

test('a message in it raises an alarm that says what it means and what to do', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
    (a) => JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failedRuns, 'QueueName'] } }]),
  );
  expect(alarms).toHaveLength(1);
  expect(alarms[0]?.Properties).toMatchObject({
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    AlarmName: 'EirleadStack-salt-cleanup-failed-runs',
    AlarmActions: [{ Ref: template.getResourceId('AWS::SNS::Topic') }],
  });
  expect(alarms[0]?.Properties.AlarmDescription).toEqual(expect.stringContaining('expired daily salts may still exist'));
});
