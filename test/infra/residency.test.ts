import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { projectRoot } from '../../lib/project-root';
import { RESIDENCY_RULES, residencyFindings } from '../../lib/guards/residency';
import { buildApp } from './support';

/** Synthesises and returns the validation error message ('' when synth succeeds). */
function synthError(app: { synth: () => unknown }): string {
  try {
    app.synth();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The report names each violating construct path, then the rule to acknowledge it with. */
const reported = (path: string, rule: string) =>
  new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^\\n]*\\n\\s*Acknowledge with 'EirleadResidency::${rule}'`);

describe('residency guard on the real stack', () => {
  test('the stack as configured synthesises: nothing global, nothing naming another region', () => {
    const { app } = buildApp();
    expect(synthError(app)).toBe('');
  });

  test('with the public routes on the REST API (ingestApi rest) and WAF on, it synthesises too', () => {
    const { app } = buildApp({ ingestApi: 'rest', waf: { enabled: true } });
    expect(synthError(app)).toBe('');
  });
});

describe('residency guard: what fails synth', () => {
  // One app with every hostile addition, synthesised once; each addition must be reported on its own.
  const { app, stack } = buildApp();
  new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('www.example.com') } });
  new apigateway.CfnRestApi(stack, 'EdgeApi', { name: 'edge', endpointConfiguration: { types: ['EDGE'] } });
  new apigateway.CfnRestApi(stack, 'DefaultEndpointApi', { name: 'default-is-edge' });
  new kms.Key(stack, 'MultiRegionKey', { multiRegion: true });
  new s3.CfnBucket(stack, 'ReplicatedBucket', {
    replicationConfiguration: {
      role: 'arn:aws:iam::123456789012:role/replication',
      rules: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::eirlead-copy' } }],
    },
  });
  new iam.Policy(stack, 'ForeignQueuePolicy', {
    statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:elsewhere'] })],
    roles: [new iam.Role(stack, 'SomeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })],
  });
  new ssm.StringParameter(stack, 'ForeignEndpoint', { stringValue: 'https://dynamodb.eu-central-1.amazonaws.com' });
  // The classic reason for a second region: an ACM certificate for CloudFront must live in us-east-1.
  const certificates = new Stack(app, 'Certificates', { env: { account: '123456789012', region: 'us-east-1' } });
  new ssm.StringParameter(certificates, 'Marker', { stringValue: 'certificates' });
  const message = synthError(app);

  test('synth fails with the guard\'s report', () => {
    expect(message).toMatch(/EirleadResidency/);
  });

  test.each([
    ['a CloudFront distribution', 'EirleadStack/Cdn/Resource', RESIDENCY_RULES.global],
    ['an EDGE REST API', 'EirleadStack/EdgeApi', RESIDENCY_RULES.global],
    ['a REST API without endpoint type (EDGE by default)', 'EirleadStack/DefaultEndpointApi', RESIDENCY_RULES.global],
    ['a multi-Region KMS key', 'EirleadStack/MultiRegionKey/Resource', RESIDENCY_RULES.global],
    ['an S3 bucket with replication', 'EirleadStack/ReplicatedBucket', RESIDENCY_RULES.global],
    ['an IAM policy naming a us-east-1 ARN', 'EirleadStack/ForeignQueuePolicy/Resource', RESIDENCY_RULES.otherRegion],
    ['a property naming an eu-central-1 endpoint', 'EirleadStack/ForeignEndpoint/Resource', RESIDENCY_RULES.otherRegion],
  ])('%s is reported with its rule', (_, path, rule) => {
    expect(message).toMatch(reported(path, rule));
  });

  test('a second stack in us-east-1 is reported with the region rule', () => {
    expect(message).toMatch(new RegExp(`Certificates targets us-east-1[^]*?Acknowledge with 'EirleadResidency::${RESIDENCY_RULES.region}'`));
  });

  test('the hostile constructs are the only ones reported', () => {
    // A resource line reads `path (logicalId) type`; a stack-level one `Stack.template.json Stack`.
    const flagged = [...message.matchAll(/^ {3}(?!Acknowledge)(\S+?)(?:\.template\.json)? /gm)].map((match) => match[1]);
    expect(new Set(flagged)).toEqual(
      new Set([
        'EirleadStack/Cdn/Resource',
        'EirleadStack/EdgeApi',
        'EirleadStack/DefaultEndpointApi',
        'EirleadStack/MultiRegionKey/Resource',
        'EirleadStack/ReplicatedBucket',
        'EirleadStack/ForeignQueuePolicy/Resource',
        'EirleadStack/ForeignEndpoint/Resource',
        'Certificates',
      ]),
    );
  });
});

describe('residency rules on templates', () => {
  const withProps = (Type: string, Properties: Record<string, unknown>) =>
    residencyFindings({ Resources: { R: { Type, Properties } } } as Parameters<typeof residencyFindings>[0]).map((f) => f.rule);

  test.each([
    ['a global table replica in eu-central-1', 'AWS::DynamoDB::GlobalTable', { Replicas: [{ Region: 'eu-west-1' }, { Region: 'eu-central-1' }] }],
    ['a global table replica given as another stack\'s output', 'AWS::DynamoDB::GlobalTable', { Replicas: [{ Region: { 'Fn::ImportValue': 'x' } }] }],
    ['a CLOUDFRONT-scoped WAF ACL', 'AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' }],
    ['a replicated secret', 'AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'eu-west-1' }] }],
    ['an edge-optimised custom domain', 'AWS::ApiGateway::DomainName', { DomainName: 'api.example.com', CertificateArn: 'arn' }],
    ['an edge-optimised HTTP API custom domain', 'AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com', DomainNameConfigurations: [{ EndpointType: 'EDGE' }] }],
  ])('%s is global', (_, type, props) => {
    expect(withProps(type, props)).toContain(RESIDENCY_RULES.global);
  });

  test.each([
    ['the stack\'s own table', 'AWS::DynamoDB::GlobalTable', { Replicas: [{ Region: { Ref: 'AWS::Region' } }] }],
    ['a regional API', 'AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } }],
    ['an HTTP API (always regional)', 'AWS::ApiGatewayV2::Api', { Name: 'eirlead-public', ProtocolType: 'HTTP' }],
    ['a regional HTTP API custom domain', 'AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com', DomainNameConfigurations: [{ EndpointType: 'REGIONAL', CertificateArn: 'arn' }] }],
    ['a DNS record (Route 53 holds no visitor data)', 'AWS::Route53::RecordSet', { Name: 'api.example.com' }],
    ['an eu-west-1 ARN', 'AWS::IAM::Policy', { Resource: 'arn:aws:sqs:eu-west-1:123456789012:q' }],
    ['words that merely look like regions', 'AWS::SSM::Parameter', { Value: 'campus-east-1 bonus-west-2 eu-west-1a' }],
  ])('%s passes', (_, type, props) => {
    expect(withProps(type, props)).toEqual([]);
  });

  test.each(['us-gov-west-1', 'ap-southeast-2', 'cn-north-1', 'SA-EAST-1', 'il-central-1', 'mx-central-1'])(
    '%s in a property is another region',
    (region) => {
      expect(withProps('AWS::SSM::Parameter', { Value: `https://sqs.${region}.amazonaws.com/1/q` })).toEqual([
        RESIDENCY_RULES.otherRegion,
      ]);
    },
  );
});

describe('cdk synth with another region', () => {
  // What `npx cdk synth -c region=us-east-1` runs: the CLI passes context to the app in CDK_CONTEXT_JSON.
  test('the app exits with the rule named, before building anything', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'bin', 'eirlead.ts')], {
      cwd: projectRoot(),
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ region: 'us-east-1' }) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`[${RESIDENCY_RULES.region}]`);
    expect(result.stderr).toMatch(/eu-west-1.*given us-east-1/);
  });
});
