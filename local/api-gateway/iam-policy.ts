import type { Statement } from 'aws-lambda';

/** IAM evaluation restricted to what an authoriser policy can say: an explicit Deny wins, else an Allow must match. */
export function policyAllows(statements: readonly Statement[], methodArn: string): boolean {
  const applies = (statement: Statement): boolean => {
    const actionMatches =
      'Action' in statement
        ? toList(statement.Action).some((action) => wildcardMatch(action, 'execute-api:Invoke'))
        : !toList(statement.NotAction).some((action) => wildcardMatch(action, 'execute-api:Invoke'));
    if (!actionMatches) return false;
    if ('Resource' in statement && statement.Resource !== undefined) {
      return toList(statement.Resource).some((resource) => wildcardMatch(resource, methodArn));
    }
    if ('NotResource' in statement && statement.NotResource !== undefined) {
      return !toList(statement.NotResource).some((resource) => wildcardMatch(resource, methodArn));
    }
    return false;
  };
  const matching = statements.filter(applies);
  if (matching.some((statement) => statement.Effect === 'Deny')) return false;
  return matching.some((statement) => statement.Effect === 'Allow');
}

const toList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(value);
}
