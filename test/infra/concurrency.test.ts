import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, type FunctionName } from '../../functions/contracts/functions';
import { buildApp, cdkJsonContext } from './support';

/**
 * Concurrency: the public ingest function must never be starved. Behind API Gateway (ingestApi http or rest) it
 * draws on the account's unreserved pool (Lambda's default account concurrency is 1,000) and the stage throttle
 * bounds it; at its function URL (the default), which no stage throttles, its reservation caps it
 * (throttle.ingestConcurrency) and holds that capacity for it. Every other function has a small reservation, which
 * caps it, so a flood of tokens, snippet requests or a queue backlog cannot take the pool ingest needs.
 */
const template = Template.fromStack(buildApp().stack);
const behindApiGateway = Template.fromStack(buildApp({ ingestApi: 'http' }).stack);
type FunctionResource = { Properties: { ReservedConcurrentExecutions?: number; Environment: { Variables: Record<string, unknown> } } };
const functionsOf = (of: Template) => Object.entries(of.findResources('AWS::Lambda::Function')) as [string, FunctionResource][];
const functions = functionsOf(template);

function reservedOf(name: FunctionName, of = functions): number | undefined {
  const found = of.filter(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === FUNCTIONS[name].serviceName);
  if (found.length !== 1) throw new Error(`expected one function ${name}`);
  return (found[0] as [string, FunctionResource])[1].Properties.ReservedConcurrentExecutions;
}

const ACCOUNT_DEFAULT = 1000;
const others = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => name !== 'ingest');

test('behind API Gateway, ingest has no reservation, so nothing caps it but the API throttle', () => {
  expect(reservedOf('ingest', functionsOf(behindApiGateway))).toBeUndefined();
});

test('at its function URL, ingest has the configured reservation: the cap on the URL', () => {
  expect(reservedOf('ingest')).toBe(cdkJsonContext().throttle && (cdkJsonContext().throttle as { ingestConcurrency: number }).ingestConcurrency);
  expect(reservedOf('ingest', functionsOf(Template.fromStack(buildApp({ throttle: { ingestConcurrency: 7 } }).stack)))).toBe(7);
});

test.each(others)('%s has a reservation, which also caps it', (name) => {
  expect(reservedOf(name)).toBeGreaterThanOrEqual(1);
});

test('the reservations together leave at least 90 % of the default account concurrency to the rest of the account', () => {
  const reserved = (Object.keys(FUNCTIONS) as FunctionName[]).reduce((sum, name) => sum + (reservedOf(name) ?? 0), 0);
  expect(reserved).toBeLessThanOrEqual(ACCOUNT_DEFAULT / 10);
});

/** The SQS event source mapping feeding a function (stream mappings have no ScalingConfig). */
function queueMappingOf(name: FunctionName): { Properties: { ScalingConfig?: { MaximumConcurrency?: number } } } | undefined {
  const [id] = functions.find(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === FUNCTIONS[name].serviceName) ?? [];
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as { Properties: { FunctionName: unknown; ScalingConfig?: { MaximumConcurrency?: number } } }[];
  const found = mappings.filter((mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: id }));
  if (found.length !== 1) throw new Error(`expected one event source mapping for ${name}`);
  return found[0];
}

test.each(['enrichment', 'alertDelivery', 'crmSync'] as const)('the queue pollers never start more %s batches than the function may run', (name) => {
  const maximum = queueMappingOf(name)?.Properties.ScalingConfig?.MaximumConcurrency;
  expect(maximum).toBeGreaterThanOrEqual(2);
  expect(maximum).toBeLessThanOrEqual(reservedOf(name) as number);
});
