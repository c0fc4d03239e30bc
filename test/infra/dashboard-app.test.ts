import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { ROUTES } from '../../functions/contracts/routes';
import { actionsOf, RolePolicies } from './policy-evaluator';
import { buildApp } from './support';

/**
 * The deployed dashboard (issue 17): the Cognito user pool people sign in with, the dashboard function at the REST
 * API's root, and the REQUEST authoriser that accepts an API key or the session cookie.
 */

type Resource = { Type: string; Properties: Record<string, unknown> };

const { stack } = buildApp();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const policies = new RolePolicies(template);

const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const only = (type: string): [string, Resource] => {
  const found = ofType(type);
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

const [poolId, pool] = only('AWS::Cognito::UserPool');
const [dashboardId, dashboard] = ofType('AWS::Lambda::Function').find(
  ([, fn]) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME === FUNCTIONS.dashboard.serviceName,
) ?? ['', { Type: '', Properties: {} }];

/** The API Gateway method at a path of the route table (`/` is the API's root resource). */
function methodAt(httpMethod: string, path: string): Resource {
  const suffix = `/Api/Default${path === '/' ? '' : path}/${httpMethod}/Resource`;
  const found = stack.node.findAll().filter((c) => c.node.path.endsWith(suffix));
  expect({ path, found: found.length }).toEqual({ path, found: 1 });
  return resources[stack.resolve((found[0] as CfnResource).logicalId) as string] as Resource;
}

describe('the user pool', () => {
  test('requires MFA, with TOTP as the only factor (no SMS, no e-mail codes)', () => {
    expect(pool.Properties).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(pool.Properties.SmsConfiguration).toBeUndefined();
    expect(ofType('AWS::IAM::Role').filter(([, role]) => JSON.stringify(role.Properties).includes('cognito-idp.amazonaws.com'))).toEqual([]);
  });

  test('holds passwords of at least 12 characters with upper and lower case, a digit and a symbol', () => {
    expect(pool.Properties.Policies).toMatchObject({
      PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true },
    });
  });

  test('lets nobody sign up: an admin creates users, in one of the groups admin, sales, viewer', () => {
    expect(pool.Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties);
    expect(groups.map((group) => group.GroupName).sort()).toEqual(['admin', 'sales', 'viewer']);
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
  });

  test('has threat protection enforced (Plus plan), deletion protection, and is kept when the stack goes', () => {
    expect(pool.Properties).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' }, DeletionProtection: 'ACTIVE' });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  test('one app client, without a secret, for USER_PASSWORD_AUTH and SRP, with no OAuth and no hosted UI', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({ GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: false, PreventUserExistenceErrors: 'ENABLED' });
    expect(client.Properties.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']));
    expect(client.Properties.CallbackURLs).toBeUndefined();
    expect(ofType('AWS::Cognito::UserPoolDomain')).toEqual([]);
  });
});

describe('region', () => {
  test('everything is in eu-west-1: no CloudFront, no edge or global resource, no identity pool', () => {
    expect(stack.region).toBe('eu-west-1');
    const types = new Set(Object.values(resources).map((resource) => resource.Type));
    for (const type of types) {
      expect({ type, global: /^AWS::(CloudFront|Route53|GlobalAccelerator|Cognito::IdentityPool|Cognito::UserPoolDomain)/.test(type) }).toEqual({ type, global: false });
    }
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });
});

describe('the dashboard function', () => {
  test('is told its user pool and app client, and has reserved concurrency', () => {
    const variables = (dashboard.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      USER_POOL_ID: { Ref: poolId },
      USER_POOL_CLIENT_ID: { Ref: only('AWS::Cognito::UserPoolClient')[0] },
      DASHBOARD_DIR: '/var/task/dashboard',
    });
    expect(dashboard.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  test('may call no Cognito action: the sign-in calls are authenticated by the password and the code, not by IAM', () => {
    const roleId = (dashboard.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const actions = policies.statements(roleId).flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('cognito'))).toEqual([]);
    expect(dashboardId).not.toBe('');
  });

  test('no other function may manage the user pool either', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) expect(JSON.stringify(role)).not.toContain('cognito-idp:Admin');
    for (const [, policy] of ofType('AWS::IAM::Policy')) expect(JSON.stringify(policy)).not.toContain('cognito-idp:');
  });
});

describe('routes', () => {
  test('the pages are at the root of the REST API, public (they carry no data) and answered by the dashboard', () => {
    for (const [httpMethod, path] of [
      ['GET', '/'],
      ['GET', '/sign-in'],
      ['GET', '/privacy-record'],
      ['POST', '/sign-in'],
      ['POST', '/sign-out'],
      ['GET', '/assets/{asset}'],
    ] as const) {
      const method = methodAt(httpMethod, path);
      expect({ path, auth: method.Properties.AuthorizationType }).toEqual({ path, auth: 'NONE' });
      expect(JSON.stringify(method.Properties.Integration)).toContain(dashboardId);
    }
  });

  test("the dashboard's API routes are behind the authoriser", () => {
    const authorizerId = only('AWS::ApiGateway::Authorizer')[0];
    const keyed = ROUTES.filter((route) => route.function === 'dashboard' && route.auth.type === 'apiKey');
    expect(keyed.length).toBeGreaterThan(0);
    for (const route of keyed) {
      expect(methodAt(route.method, route.path).Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
  });
});

describe('the authoriser', () => {
  const [, authorizer] = only('AWS::ApiGateway::Authorizer');

  test('is a REQUEST authoriser, so it sees the session cookie as well as the Authorization header', () => {
    expect(authorizer.Properties.Type).toBe('REQUEST');
  });

  test('caches no result: sign-out and key revocation take effect at the next request (issue 17: within a minute)', () => {
    expect(authorizer.Properties.AuthorizerResultTtlInSeconds).toBe(0);
    // With caching on, API Gateway would refuse a request missing an identity source without asking the function:
    // machines send no cookie, browsers no Authorization header. Without caching there is none to miss.
    expect(authorizer.Properties.IdentitySource).toBeUndefined();
  });

  test('guards every route that needs a key or a session, and no other', () => {
    const custom = ofType('AWS::ApiGateway::Method').filter(([, method]) => method.Properties.AuthorizationType === 'CUSTOM');
    const keyedRoutes = ROUTES.filter((route) => route.auth.type === 'apiKey' && route.api === 'rest');
    expect(custom).toHaveLength(keyedRoutes.length);
  });
});
