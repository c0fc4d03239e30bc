import { ROUTES } from '../../functions/contracts/routes';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LEAD_INDEX_ATTRIBUTES, LEADS_BY_LAST_SEEN_INDEX, TTL_ATTRIBUTE } from '../../functions/contracts/table';
import { FUNCTION_RUNTIME } from '../../lib/constructs/lambda-function';
import { buildApp } from './support';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

const { stack } = buildApp();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;

const tableRef = () => ({ Ref: template.getResourceId('AWS::DynamoDB::GlobalTable') });
const keyArn = () => ({ 'Fn::GetAtt': [template.getResourceId('AWS::KMS::Key'), 'Arn'] });

/** Logical id of the CloudFormation resource at a construct path, e.g. `EirleadStack/Ingest/Queue/Resource`. */
function logicalIdOf(type: string, path: string): string {
  const construct = stack.node.findAll().find((c) => c.node.path === path);
  if (!construct || !CfnResource.isCfnResource(construct) || construct.cfnResourceType !== type) {
    throw new Error(`No ${type} at ${path}`);
  }
  return stack.resolve(construct.logicalId) as string;
}

function functionWithEnv(name: string): Resource {
  const found = Object.values(template.findResources('AWS::Lambda::Function')).find((fn) => {
    const vars = (fn as Resource).Properties.Environment as { Variables: Record<string, unknown> };
    return vars.Variables.POWERTOOLS_SERVICE_NAME === name;
  });
  if (!found) throw new Error(`No function with service name ${name}`);
  return found as Resource;
}

function methods(httpMethod: string, resourcePath: string): Resource[] {
  return stack.node
    .findAll()
    .filter((c) => c.node.path.endsWith(`/Api/Default${resourcePath}/${httpMethod}/Resource`))
    .map((c) => resources[stack.resolve((c as CfnResource).logicalId) as string] as Resource);
}

function onlyMethod(httpMethod: string, pathSuffix: string): Resource {
  const found = methods(httpMethod, pathSuffix);
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

describe('region', () => {
  test('the stack is pinned to eu-west-1', () => {
    expect(stack.region).toBe('eu-west-1');
  });
});

describe('encryption', () => {
  test('one customer-managed key with rotation, kept when the stack is deleted', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/eirlead' });
  });
});

describe('storage', () => {
  test('table keys, on-demand billing, TTL and the leads index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: LEADS_BY_LAST_SEEN_INDEX,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LEAD_INDEX_ATTRIBUTES] },
        },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
    });
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
  });

  test('the index holds no visitor pseudonyms: open visits stay on the lead item', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0] as Resource;
    const [index] = table.Properties.GlobalSecondaryIndexes as Array<{ Projection: { NonKeyAttributes: string[] } }>;
    expect(index?.Projection.NonKeyAttributes).toEqual(expect.arrayContaining(['leadId', 'match', 'pageCounts', 'keyId', 'revoked']));
    expect(index?.Projection.NonKeyAttributes).not.toContain('activeVisits');
  });

  test('encrypted with the project key, PITR with the configured recovery period', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          Region: 'eu-west-1',
          SSESpecification: { KMSMasterKeyId: keyArn() },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
        }),
      ],
    });
  });
});

describe('ingest queue', () => {
  const queueId = logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/Queue/Resource');
  const dlqId = logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/DeadLetterQueue/Resource');

  test('both queues are encrypted with the project key', () => {
    for (const id of [queueId, dlqId]) {
      expect(resources[id]?.Properties).toMatchObject({ KmsMasterKeyId: keyArn() });
    }
  });

  test('both queues refuse requests without TLS', () => {
    for (const id of [queueId, dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        }),
      });
    }
  });

  test('retention 24 h, DLQ 7 days, redrive after 5 receives', () => {
    expect(resources[queueId]?.Properties).toMatchObject({
      MessageRetentionPeriod: 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(resources[dlqId]?.Properties).toMatchObject({ MessageRetentionPeriod: 7 * 86400 });
  });

  test('visibility timeout is at least six times the enrichment timeout', () => {
    const enrichment = functionWithEnv('eirlead-enrichment');
    const visibility = resources[queueId]?.Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * (enrichment.Properties.Timeout as number));
  });
});

describe('functions', () => {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];

  test('every function runs on arm64 with the newest Node.js runtime', () => {
    expect(fns).toHaveLength(Object.keys(FUNCTIONS).length);
    expect(FUNCTION_RUNTIME.name).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], Runtime: FUNCTION_RUNTIME.name });
      expect(fn.Properties.Environment).toMatchObject({ Variables: { NODE_OPTIONS: '--enable-source-maps' } });
    }
  });

  test('every function logs to its own log group, and no role uses a managed policy', () => {
    for (const fn of fns) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroup]?.Type).toBe('AWS::Logs::LogGroup');
    }
    const lambdaRoles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role).includes('lambda.amazonaws.com'),
    );
    expect(lambdaRoles).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const role of lambdaRoles) expect((role as Resource).Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('every function logs JSON at INFO, without Lambda\'s per-invocation INFO lines (START, END, REPORT)', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
    });
  });

  test('ingest gets the queue, the table, the key and the site and retention configuration', () => {
    const ingest = functionWithEnv('eirlead-ingest');
    const vars = (ingest.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({
      QUEUE_URL: { Ref: logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/Queue/Resource') },
      TABLE_NAME: tableRef(),
      KEY_ID: { Ref: template.getResourceId('AWS::KMS::Key') },
    });
    expect(JSON.parse(vars.SITES as string)).toEqual([
      { siteId: 'demo', allowedOrigins: ['https://www.example.com'], leadClasses: ['business'] },
    ]);
    expect(JSON.parse(vars.RETENTION as string)).toMatchObject({ saltHours: 48, visitDays: 90 });
    expect(JSON.parse(vars.IP_OVERRIDES as string)).toEqual({ ignore: [], organisations: [] });
  });

  test('enrichment gets the sites (for their lead classes) and the organisation overrides', () => {
    const vars = (functionWithEnv('eirlead-enrichment').Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(vars.SITES ?? '[]')).toEqual([expect.objectContaining({ siteId: 'demo', leadClasses: ['business'] })]);
    expect(JSON.parse(vars.IP_OVERRIDES ?? '{}')).toEqual({ ignore: [], organisations: [] });
  });

  test('ingest may generate and decrypt data keys with the project key only', () => {
    const ingestId = logicalIdOf('AWS::Lambda::Function', 'EirleadStack/Ingest/Function/Function/Resource');
    const roleId = (resources[ingestId]?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify((p as Resource).Properties.Roles).includes(roleId),
    ) as Resource;
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    const kms = statements.filter((s) => JSON.stringify(s.Action).includes('kms:'));
    const actions = kms.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']));
    for (const statement of kms) expect(statement.Resource).toEqual(keyArn());
  });

  test('enrichment: 1024 MB, the bundled IP data directory, batches with partial failures', () => {
    const enrichment = functionWithEnv('eirlead-enrichment');
    expect(enrichment.Properties).toMatchObject({
      MemorySize: 1024,
      Environment: { Variables: { IP_DATA_DIR: '/var/task/ipdata', TABLE_NAME: tableRef(), RETENTION: expect.any(String) } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/Queue/Resource'), 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('authoriser and leads API get the table name, the leads API the retention too', () => {
    expect(functionWithEnv('eirlead-authorizer').Properties.Environment).toMatchObject({
      Variables: { TABLE_NAME: tableRef() },
    });
    expect(functionWithEnv('eirlead-leads-api').Properties.Environment).toMatchObject({
      Variables: { TABLE_NAME: tableRef(), RETENTION: expect.any(String) },
    });
  });

  test('the authoriser cannot write to the table', () => {
    const authorizerId = logicalIdOf('AWS::Lambda::Function', 'EirleadStack/LeadsApi/AuthorizerFunction/Function/Resource');
    const roleId = (resources[authorizerId]?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify((p as Resource).Properties.Roles).includes(roleId),
    );
    const text = JSON.stringify(policies);
    expect(text).toContain('dynamodb:GetItem');
    expect(text).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
  });
});

describe('salt destruction', () => {
  test('an hourly schedule runs the salt cleanup function, which may write the table', () => {
    const cleanup = functionWithEnv('eirlead-salt-cleanup');
    const cleanupId = logicalIdOf('AWS::Lambda::Function', 'EirleadStack/SaltCleanup/Function/Function/Resource');
    expect((cleanup.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ TABLE_NAME: tableRef() });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [cleanupId, 'Arn'] } })]),
    });
  });

  test('the leads API may decrypt salts with the project key, for data-subject requests', () => {
    const vars = (functionWithEnv('eirlead-leads-api').Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({ KEY_ID: { Ref: template.getResourceId('AWS::KMS::Key') } });
  });
});

describe('logs', () => {
  test('every log group has a retention of 30 days', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[];
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  test('the API execution log group exists before the stage, so API Gateway cannot create one without retention', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as Resource;
    const executionLogs = logicalIdOf('AWS::Logs::LogGroup', 'EirleadStack/HttpApi/ExecutionLogs/Resource');
    expect(stage.DependsOn).toContain(executionLogs);
    expect(JSON.stringify(resources[executionLogs]?.Properties.LogGroupName)).toContain('API-Gateway-Execution-Logs_');
  });
});

describe('REST API', () => {
  test('a regional REST API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  test('stage prod: JSON access log without IP, ERROR execution logs without bodies, metrics, throttling, no tracing', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: false,
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
        }),
      ]),
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as Resource;
    const format = (stage.Properties.AccessLogSetting as { Format: string }).Format;
    expect(() => JSON.parse(format)).not.toThrow();
    expect(format).not.toMatch(/sourceIp|userAgent|\$context\.path/);
  });

  test('by default (ingestApi http) the REST API serves neither /v1/events nor /v1/snippet.js', () => {
    // They are on the public HTTP API (public-api.test.ts); `ingestApi: rest` puts them back here.
    for (const [httpMethod, path] of [['POST', '/v1/events'], ['OPTIONS', '/v1/events'], ['GET', '/v1/snippet.js']] as const) {
      expect(methods(httpMethod, path)).toEqual([]);
    }
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r) => (r as Resource).Properties.PathPart);
    expect(paths).not.toContain('events');
    expect(paths).not.toContain('snippet.js');
  });

  test('GET /v1/openapi.json is public and served by the leads API function', () => {
    const method = onlyMethod('GET', '/v1/openapi.json');
    expect(method.Properties.AuthorizationType).toBe('NONE');
    expect(JSON.stringify(method.Properties.Integration)).toContain(
      logicalIdOf('AWS::Lambda::Function', 'EirleadStack/LeadsApi/Function/Function/Resource'),
    );
  });

  test('every leads route is behind the token authoriser', () => {
    const authorizerId = template.getResourceId('AWS::ApiGateway::Authorizer');
    const leadsFn = logicalIdOf('AWS::Lambda::Function', 'EirleadStack/LeadsApi/Function/Function/Resource');
    const routes: Array<[string, string]> = [
      ['GET', '/v1/sites/{siteId}/leads'],
      ['GET', '/v1/sites/{siteId}/leads/{leadId}'],
      ['DELETE', '/v1/sites/{siteId}/leads/{leadId}'],
      ['POST', '/v1/sites/{siteId}/erasure-requests'],
      ['POST', '/v1/sites/{siteId}/access-requests'],
      ['GET', '/v1/sites/{siteId}/audit'],
    ];
    for (const [httpMethod, path] of routes) {
      const method = onlyMethod(httpMethod, path);
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
        RequestValidatorId: { Ref: template.getResourceId('AWS::ApiGateway::RequestValidator') },
        RequestParameters: expect.objectContaining({ 'method.request.path.siteId': true }),
      });
      expect(JSON.stringify(method.Properties.Integration)).toContain(leadsFn);
    }
    // A REQUEST authoriser (API key or session cookie) without a result cache: test/infra/dashboard-app.test.ts.
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
  });

  test('the snippet has its own function, which gets the bundled snippet and no table', () => {
    const snippetFn = logicalIdOf('AWS::Lambda::Function', 'EirleadStack/Snippet/Function/Function/Resource');
    const vars = (resources[snippetFn]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({ SNIPPET_FILE: '/var/task/snippet/eirlead.js', POWERTOOLS_SERVICE_NAME: 'eirlead-snippet' });
    expect(vars.TABLE_NAME).toBeUndefined();
  });

  test('only the public documents, the dashboard pages and sign-in forms (no data) and the record of processing (the function checks the session) have no authoriser on the REST API', () => {
    const open = Object.values(template.findResources('AWS::ApiGateway::Method', {
      Properties: { AuthorizationType: 'NONE' },
    })) as Resource[];
    const publicRestRoutes = ROUTES.filter((route) => route.api === 'rest' && route.auth.type === 'none').map((route) => `${route.method} ${route.path}`);
    expect(publicRestRoutes.sort()).toEqual([
      'GET /',
      'GET /assets/{asset}',
      'GET /docs',
      'GET /docs/{asset}',
      'GET /privacy-record',
      'GET /sign-in',
      'GET /v1/openapi.json',
      'POST /sign-in',
      'POST /sign-out',
    ]);
    expect(open.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST']);
  });

  test.each([
    ['DEFAULT_4XX', 'ClientError'],
    ['DEFAULT_5XX', 'InternalError'],
    ['UNAUTHORIZED', 'Unauthorized'],
    ['ACCESS_DENIED', 'Forbidden'],
    ['THROTTLED', 'Throttled'],
    ['REQUEST_TOO_LARGE', 'PayloadTooLarge'],
    ['UNSUPPORTED_MEDIA_TYPE', 'UnsupportedMediaType'],
    ['MISSING_AUTHENTICATION_TOKEN', 'NotFound'],
  ])('gateway response %s answers the project error body with code %s', (type, code) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/json'" }),
      ResponseTemplates: {
        'application/json': `{"error":{"code":"${code}","message":$context.error.messageString,"requestId":"$context.requestId"}}`,
      },
    });
  });

  test.each(['THROTTLED', 'QUOTA_EXCEEDED'])('gateway response %s tells the caller when to retry (Retry-After)', (type) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
  });

  test('a request validator checks parameters', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true });
  });
});

describe('outputs', () => {
  test('API URLs, table name, queue URLs and key ARN', () => {
    const apiUrl = JSON.stringify(template.findOutputs('ApiUrl'));
    expect(apiUrl).toContain(template.getResourceId('AWS::ApiGateway::RestApi'));
    expect(apiUrl).toContain('/v1/');
    const publicApiUrl = JSON.stringify(template.findOutputs('PublicApiUrl'));
    expect(publicApiUrl).toContain(template.getResourceId('AWS::ApiGatewayV2::Api'));
    template.hasOutput('TableName', { Value: { Ref: template.getResourceId('AWS::DynamoDB::GlobalTable') } });
    template.hasOutput('QueueUrl', {
      Value: { Ref: logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/Queue/Resource') },
    });
    template.hasOutput('DeadLetterQueueUrl', {
      Value: { Ref: logicalIdOf('AWS::SQS::Queue', 'EirleadStack/Ingest/DeadLetterQueue/Resource') },
    });
    template.hasOutput('KeyArn', { Value: keyArn() });
  });
});
