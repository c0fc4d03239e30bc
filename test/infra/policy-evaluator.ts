import type { Template } from 'aws-cdk-lib/assertions';

/**
 * A small evaluator of the synthesised identity policies, so the IAM tests can ask what a function may do
 * ("may ingest put an APIKEY# item?") instead of pinning statements. It follows IAM's rules for what this stack
 * uses, and refuses anything else, so a new kind of condition fails the tests instead of being misread:
 * - an Allow statement applies when an action pattern matches the action, a resource pattern matches the
 *   resource, and every condition holds (a request is allowed if any statement applies; there are no Denies);
 * - `StringEquals`/`StringLike`/`ArnLike` on a key the request lacks are false;
 * - `ForAllValues:…` is true when every request value matches a policy value, and also when the request has no
 *   value at all (IAM User Guide, condition set operators): the tests rely on that to show the hazard it poses.
 * Resources are compared as strings in which `Fn::GetAtt [Id, Arn]` reads `Id.Arn` and `Ref Id` reads `Id`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Statement = { Effect: string; Action?: string | string[]; Resource?: Json; Condition?: Record<string, Record<string, Json>> };
type Resource = { Type: string; Properties: { [key: string]: Json } };

export interface Request {
  readonly action: string;
  /** e.g. `StorageTableB43FDCE7.Arn` or `StorageTableB43FDCE7.Arn/index/leadsByLastSeen`. */
  readonly resource: string;
  /** Condition keys of the request, e.g. `{ 'dynamodb:LeadingKeys': ['SALT#2026-05-01'] }`. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** IAM wildcard matching (`*` any characters, `?` one), case-sensitive like resource and condition matching. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}$`, ignoreCase ? 'i' : '').test(value);
}

/** A template value as a comparable string (see the file comment). */
export function render(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `${String(getAtt[0])}.${String(getAtt[1])}`;
    if (typeof value.Ref === 'string') return value.Ref;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return join[1].map(render).join(join[0]);
  }
  throw new Error(`policy evaluator: cannot render ${JSON.stringify(value)}`);
}

const asList = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function conditionHolds(operator: string, key: string, policyValues: Json, context: Request['context'] = {}): boolean {
  const wanted = asList(policyValues).map(render);
  const given = context[key];
  const values = given === undefined ? [] : typeof given === 'string' ? [given] : [...given];
  const [qualifier, base] = operator.includes(':') ? (operator.split(':') as [string, string]) : [undefined, operator];
  if (!['StringEquals', 'ArnEquals', 'StringLike', 'ArnLike'].includes(base)) {
    throw new Error(`policy evaluator: unsupported condition operator ${operator}`);
  }
  const matches = (value: string): boolean => {
    switch (base) {
      case 'StringEquals':
      case 'ArnEquals':
        return wanted.includes(value);
      default:
        return wanted.some((pattern) => wildcardMatch(pattern, value));
    }
  };
  if (qualifier === 'ForAllValues') return values.every(matches);
  if (qualifier === 'ForAnyValue') return values.some(matches);
  if (qualifier !== undefined) throw new Error(`policy evaluator: unsupported qualifier ${qualifier}`);
  if (values.length > 1) throw new Error(`policy evaluator: ${key} is multivalued; use ForAllValues or ForAnyValue`);
  return values.length === 1 && matches(values[0] as string);
}

export const actionsOf = (statement: Statement): string[] => [statement.Action ?? []].flat();

export function applies(statement: Statement, request: Request): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!actionsOf(statement).some((pattern) => wildcardMatch(pattern, request.action, true))) return false;
  if (!asList(statement.Resource).some((resource) => wildcardMatch(render(resource), request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, values]) => conditionHolds(operator, key, values, request.context)),
  );
}

/** The statements of every policy attached to a role (inline, separate or managed), and what they allow. */
export class RolePolicies {
  private readonly resources: Record<string, Resource>;

  constructor(template: Template) {
    this.resources = template.toJSON().Resources as Record<string, Resource>;
  }

  statements(roleId: string): Statement[] {
    const role = this.resources[roleId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`no role ${roleId}`);
    const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).map((p) => p.PolicyDocument);
    const attached = Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .filter((r) => JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`))
      .map((r) => r.Properties.PolicyDocument as unknown as { Statement: Statement[] });
    return [...inline, ...attached].flatMap((doc) => doc.Statement);
  }

  allows(roleId: string, request: Request): boolean {
    return this.statements(roleId).some((statement) => applies(statement, request));
  }
}
