import { FUNCTIONS } from '../../functions/contracts/functions';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './support';

/**
 * Switches that belong to the local runtime only. `TRUST_FORWARDED_FOR=1` makes the local runtime take the
 * visitor address from `X-Forwarded-For`, which any client can set; on AWS the address comes from API Gateway's
 * request context. The function code no longer reads it, and no deployed function may carry it, so that a future
 * handler reading it again would still find it unset on AWS.
 */
const LOCAL_ONLY_VARIABLES = ['TRUST_FORWARDED_FOR'];

describe.each([['http'], ['rest']])('deployed functions (ingestApi %s)', (ingestApi) => {
  const functions = Object.entries(
    Template.fromStack(buildApp({ ingestApi }).stack).findResources('AWS::Lambda::Function'),
  ) as [string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }][];

  test('every function of the function table is checked', () => {
    expect(functions).toHaveLength(Object.keys(FUNCTIONS).length);
  });

  test.each(LOCAL_ONLY_VARIABLES)('no function has %s in its environment', (variable) => {
    const carrying = functions.filter(([, fn]) => Object.hasOwn(fn.Properties.Environment?.Variables ?? {}, variable));
    expect(carrying.map(([id]) => id)).toEqual([]);
  });
});
