/**
 * Compares two synthesised CloudFormation templates the way a reviewer of a refactoring needs: which logical ids
 * appear or disappear (a resource CloudFormation would replace) and, for the others, which properties differ.
 * Lambda code assets (S3 keys, asset metadata) and the REST API deployment's hash are masked: they change with
 * every code change and replace nothing that holds data.
 *
 *   npx cdk synth --quiet -o /tmp/before.out    (on the old commit)
 *   npx cdk synth --quiet -o /tmp/after.out
 *   npx tsx scripts/build/compare-templates.ts /tmp/before.out/EirleadStack.template.json /tmp/after.out/EirleadStack.template.json
 */
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resource = { Type: string; Properties?: Json; [attribute: string]: Json | undefined };
type Template = { Resources: Record<string, Resource>; Outputs?: Json };

/** The REST API's deployment is named by a hash of the API's configuration: any route change renames it. */
const isDeployment = (id: string, resource: Resource) => resource.Type === 'AWS::ApiGateway::Deployment' || /Deployment[0-9A-F]{8}[0-9a-f]{32}$/.test(id);

function mask(value: Json, path: string[] = []): Json {
  if (Array.isArray(value)) return value.map((item) => mask(item, path));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'S3Key' || key === 'aws:asset:path') out[key] = '<asset>';
    else if (key === 'Ref' && typeof item === 'string' && /Deployment[0-9A-F]{8}[0-9a-f]{32}$/.test(item)) out[key] = '<deployment>';
    else out[key] = mask(item, [...path, key]);
  }
  return out;
}

/** Leaf paths where two values differ, e.g. `Environment.Variables.KEY_PROVIDER`. */
function differences(a: Json | undefined, b: Json | undefined, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
  if (!objects) return [path || '(value)'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, Json>)[key], (b as Record<string, Json>)[key], path ? `${path}.${key}` : key));
}

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: compare-templates.ts <before.template.json> <after.template.json>');
const readTemplate = (file: string): Template => JSON.parse(readFileSync(file, 'utf8')) as Template;
const before = readTemplate(beforeFile);
const after = readTemplate(afterFile);
const ids = (template: Template) => Object.keys(template.Resources).filter((id) => !isDeployment(id, template.Resources[id] as Resource) && id !== 'CDKMetadata');
const beforeIds = new Set(ids(before));
const afterIds = new Set(ids(after));
const removed = [...beforeIds].filter((id) => !afterIds.has(id));
const added = [...afterIds].filter((id) => !beforeIds.has(id));
console.log(`resources: ${beforeIds.size} before, ${afterIds.size} after (deployment and CDK metadata not counted)`);
console.log(`replaced or removed (${removed.length}): ${removed.map((id) => `${id} [${before.Resources[id]?.Type}]`).join(', ') || 'none'}`);
console.log(`new (${added.length}): ${added.map((id) => `${id} [${after.Resources[id]?.Type}]`).join(', ') || 'none'}`);
let changed = 0;
for (const id of [...beforeIds].filter((candidate) => afterIds.has(candidate))) {
  const paths = differences(mask(before.Resources[id] as Json), mask(after.Resources[id] as Json));
  if (paths.length === 0) continue;
  changed++;
  console.log(`changed in place: ${id} [${before.Resources[id]?.Type}]: ${paths.join(', ')}`);
}
console.log(`changed in place: ${changed}; outputs identical: ${JSON.stringify(mask(before.Outputs ?? null)) === JSON.stringify(mask(after.Outputs ?? null))}`);
