import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION, NO_IP_OVERRIDES } from '../../functions/contracts/deployment-config';
import { FUNCTIONS, type FunctionName, WRAPPER_VARIABLES } from '../../functions/contracts/functions';
import { DELIVERY_MAX_RECEIVE_COUNT } from '../../functions/contracts/alert-message';
import { MAX_RECEIVE_COUNT } from '../../functions/contracts/names';
import { urlRoutesOf } from '../../functions/contracts/routes';
import { TABLE_STREAM_VIEW_TYPE, TTL_ATTRIBUTE } from '../../functions/contracts/table';
import { encodedEnvironment, localEnvironments, localFunction } from '../../local/functions';
import { LEAD_INDEX_DEFINITION, TABLE_KEY_SCHEMA } from '../../local/resources';
import { localRoutes } from '../../local/runtime';
import { buildApp } from './support';

/**
 * Local runtime and AWS, compared: the synthesised stack against what `npm start` runs. Both are built from the
 * same contracts (function table, route table, table design); this test catches a construct or the local runtime
 * that sets something of its own beside them.
 */

type Resource = { Type: string; Properties: Record<string, unknown> };
type Resources = Record<string, Resource>;

/** The local environments; with a function URL (as `startLocalRuntime` by default) the snippet names it. */
const localEnvironmentsOf = (functionUrl: boolean) =>
  localEnvironments({
    tableName: 'eirlead',
    queueUrl: 'http://127.0.0.1:9324/123456789012/eirlead-events',
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    sites: [{ siteId: 'demo', allowedOrigins: ['http://localhost:*'], leadClasses: ['business'] }],
    ipOverrides: NO_IP_OVERRIDES,
    retention: DEFAULT_RETENTION,
    limits: DEFAULT_BEHAVIOUR_LIMITS,
    ...(functionUrl ? { eventsUrl: 'http://127.0.0.1:41234/v1/events' } : {}),
  });
const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

function synthesise(ingestApi: 'functionUrl' | 'http' | 'rest'): Resources {
  const { stack } = buildApp({ ingestApi });
  return Template.fromStack(stack).toJSON().Resources as Resources;
}

const byType = (resources: Resources, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const variablesOf = (resource: Resource) => (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

/** Each deployed function by its service name (the wrapper sets POWERTOOLS_SERVICE_NAME from the function table). */
function deployedFunctions(resources: Resources): Map<string, { logicalId: string; resource: Resource }> {
  return new Map(
    byType(resources, 'AWS::Lambda::Function').map(([logicalId, resource]) => [String(variablesOf(resource).POWERTOOLS_SERVICE_NAME), { logicalId, resource }]),
  );
}

/** The function a Lambda integration (REST or HTTP API) invokes, by service name. */
function integratedFunction(resources: Resources, uri: unknown): string {
  const logicalId = JSON.stringify(uri).match(/"([A-Za-z0-9]+)","Arn"/)?.[1];
  const resource = logicalId ? resources[logicalId] : undefined;
  return resource ? String(variablesOf(resource).POWERTOOLS_SERVICE_NAME) : `(unknown: ${JSON.stringify(uri)})`;
}

/** `GET /v1/sites/{siteId}/leads leads-api key` for every REST method and HTTP API route of the template. */
function deployedRoutes(resources: Resources): string[] {
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    if (!resource) return '';
    return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  };
  const rest = byType(resources, 'AWS::ApiGateway::Method').map(([, method]) => {
    const { HttpMethod, ResourceId, AuthorizationType, Integration } = method.Properties as Record<string, unknown>;
    const integration = Integration as { Uri: unknown };
    // The API's root resource (the dashboard's `/`) is no AWS::ApiGateway::Resource: its path is `/`.
    return `${String(HttpMethod)} ${pathOf(ResourceId) || '/'} ${integratedFunction(resources, integration.Uri)} ${AuthorizationType === 'CUSTOM' ? 'key' : 'public'}`;
  });
  const integrations = new Map(byType(resources, 'AWS::ApiGatewayV2::Integration').map(([id, integration]) => [id, integration]));
  const http = byType(resources, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
    const target = JSON.stringify(route.Properties.Target).match(/"Ref":"([A-Za-z0-9]+)"/)?.[1] ?? '';
    const integration = integrations.get(target);
    const fn = integration ? integratedFunction(resources, integration.Properties.IntegrationUri) : '(none)';
    return `${String(route.Properties.RouteKey)} ${fn} ${route.Properties.AuthorizationType === 'CUSTOM' ? 'key' : 'public'}`;
  });
  // A function URL serves its function's routes marked `functionUrl` (the function answers anything else with 404).
  const urls = byType(resources, 'AWS::Lambda::Url').flatMap(([, url]) => {
    const service = integratedFunction(resources, url.Properties.TargetFunctionArn);
    const name = NAMES.find((candidate) => FUNCTIONS[candidate].serviceName === service);
    const auth = url.Properties.AuthType === 'NONE' ? 'public' : 'iam';
    return name ? urlRoutesOf(name).map((route) => `URL ${route.method} ${route.path} ${service} ${auth}`) : [`URL (unknown function ${service})`];
  });
  return [...rest, ...http, ...urls].sort();
}

/**
 * What the local runtime serves: every route on its main port, and with `functionUrl` (its default, as
 * `ingestApi: "functionUrl"` is the stack's) the ingest function's URL routes on a port of its own.
 */
const localRouteLines = (functionUrl: boolean) =>
  [
    ...localRoutes(() => undefined).map((route) => `${route.method} ${route.resource} ${route.fn.name} ${route.authorized ? 'key' : 'public'}`),
    ...(functionUrl ? urlRoutesOf('ingest').map((route) => `URL ${route.method} ${route.path} ${localFunction('ingest').name} public`) : []),
  ].sort();

describe.each(['functionUrl', 'http', 'rest'] as const)('local runtime and AWS agree (ingestApi %s)', (ingestApi) => {
  const resources = synthesise(ingestApi);
  const deployed = deployedFunctions(resources);
  const LOCAL = localEnvironmentsOf(ingestApi === 'functionUrl');

  it('deploys exactly the functions of the function table', () => {
    expect([...deployed.keys()].sort()).toEqual(NAMES.map((name) => FUNCTIONS[name].serviceName).sort());
  });

  it.each(NAMES)('%s: the same timeout and memory', (name) => {
    const { resource } = deployed.get(FUNCTIONS[name].serviceName) ?? { resource: undefined };
    const local = localFunction(name);
    expect({ timeoutMs: Number(resource?.Properties.Timeout) * 1000, memoryMb: resource?.Properties.MemorySize }).toEqual({
      timeoutMs: local.timeoutMs,
      memoryMb: local.memoryMb,
    });
  });

  it.each(NAMES)('%s: the same environment variables', (name) => {
    const { resource } = deployed.get(FUNCTIONS[name].serviceName) ?? { resource: undefined };
    const onAws = Object.keys(resource ? variablesOf(resource) : {}).filter((key) => !(WRAPPER_VARIABLES as readonly string[]).includes(key));
    const locally = Object.keys(encodedEnvironment(name, LOCAL[name]));
    expect(onAws.sort()).toEqual(locally.sort());
  });

  it('every function whose contract names the table may use it', () => {
    const policies = byType(resources, 'AWS::IAM::Policy').map(([, policy]) => JSON.stringify(policy.Properties));
    const tableId = byType(resources, 'AWS::DynamoDB::GlobalTable')[0]?.[0] ?? '(no table)';
    for (const name of NAMES.filter((candidate) => 'TABLE_NAME' in LOCAL[candidate])) {
      const { logicalId } = deployed.get(FUNCTIONS[name].serviceName) ?? { logicalId: '(missing)' };
      const role = JSON.stringify(resources[logicalId]?.Properties.Role).match(/"([A-Za-z0-9]+)","Arn"/)?.[1] ?? '(no role)';
      expect({ name, granted: policies.some((policy) => policy.includes(`"${role}"`) && policy.includes(`"${tableId}"`)) }).toEqual({ name, granted: true });
    }
  });

  it('serves the same routes, by the same functions, with the same authorisation', () => {
    expect(deployedRoutes(resources)).toEqual(localRouteLines(ingestApi === 'functionUrl'));
  });

  const mappingOf = (name: FunctionName): Resource | undefined => {
    const { logicalId } = deployed.get(FUNCTIONS[name].serviceName) ?? { logicalId: '(missing)' };
    return byType(resources, 'AWS::Lambda::EventSourceMapping').find(([, mapping]) => JSON.stringify(mapping.Properties.FunctionName).includes(`"${logicalId}"`))?.[1];
  };

  it('feeds the enrichment function batches of the same size', () => {
    expect(mappingOf('enrichment')?.Properties.BatchSize).toBe(FUNCTIONS.enrichment.queueBatch.batchSize);
  });

  it('feeds the alerts function the lead changes of the table stream the local poller reads, filtered alike', () => {
    const mapping = mappingOf('alerts')?.Properties as { BatchSize: number; FilterCriteria: { Filters: Array<{ Pattern: string }> } } | undefined;
    expect(mapping?.BatchSize).toBe(FUNCTIONS.alerts.tableStream.batchSize);
    expect(mapping?.FilterCriteria.Filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([FUNCTIONS.alerts.tableStream.filterPattern]);
    const [[, table] = ['', undefined]] = byType(resources, 'AWS::DynamoDB::GlobalTable');
    expect((table?.Properties.StreamSpecification as { StreamViewType: string }).StreamViewType).toBe(TABLE_STREAM_VIEW_TYPE);
  });

  it('feeds the alert delivery function batches of the same size', () => {
    expect(mappingOf('alertDelivery')?.Properties.BatchSize).toBe(FUNCTIONS.alertDelivery.queueBatch.batchSize);
  });

  it('creates the same table: keys, index and TTL attribute', () => {
    const [[, table] = ['', undefined]] = byType(resources, 'AWS::DynamoDB::GlobalTable');
    const properties = table?.Properties as {
      KeySchema: unknown;
      GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string; NonKeyAttributes: string[] } }>;
      TimeToLiveSpecification: { AttributeName: string };
    };
    expect(properties.KeySchema).toEqual(TABLE_KEY_SCHEMA);
    expect(properties.GlobalSecondaryIndexes.map((index) => ({ ...index, Projection: { ...index.Projection, NonKeyAttributes: [...index.Projection.NonKeyAttributes].sort() } }))).toEqual([
      {
        IndexName: LEAD_INDEX_DEFINITION.IndexName,
        KeySchema: LEAD_INDEX_DEFINITION.KeySchema,
        Projection: { ...LEAD_INDEX_DEFINITION.Projection, NonKeyAttributes: [...(LEAD_INDEX_DEFINITION.Projection?.NonKeyAttributes ?? [])].sort() },
      },
    ]);
    expect(properties.TimeToLiveSpecification.AttributeName).toBe(TTL_ATTRIBUTE);
  });

  it('moves a message to its DLQ after the same number of receives', () => {
    const redrive = byType(resources, 'AWS::SQS::Queue').map(([, queue]) => queue.Properties.RedrivePolicy).filter(Boolean);
    // The events queue, the alert delivery queue (whose receives include its retries' waits) and the CRM jobs queue;
    // local/runtime.ts makes all three.
    expect(redrive).toEqual([
      expect.objectContaining({ maxReceiveCount: MAX_RECEIVE_COUNT }),
      expect.objectContaining({ maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT }),
      expect.objectContaining({ maxReceiveCount: MAX_RECEIVE_COUNT }),
    ]);
  });
});
