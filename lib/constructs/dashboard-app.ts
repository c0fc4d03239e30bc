import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { RoleSchema } from '../../functions/contracts/api/dashboard';
import type { Retention, Site } from '../../functions/contracts/deployment-config';
import { ROUTES } from '../../functions/contracts/routes';
import { bundledDataPath, EirleadFunction } from './lambda-function';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { grantTableAccess, INDEX_PARTITIONS, PARTITIONS } from './table-access';
import type { RestApi } from './rest-api';

export interface DashboardAppProps {
  /** The REST API: the dashboard is served from the API's own origin (no CloudFront, no S3 website). */
  readonly restApi: RestApi;
  /** The leads API's authoriser, which accepts an API key or the dashboard's session cookie. */
  readonly authorizer: apigateway.IAuthorizer;
  readonly table: dynamodb.ITableV2;
  /** Encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  readonly sites: readonly Site[];
}

/** The password policy issue 17 asks for, as Cognito enforces it (and as the local user store copies it). */
export const DASHBOARD_PASSWORD_POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  tempPasswordValidity: Duration.days(3),
} as const;

/**
 * The dashboard for people (docs/dashboard.md): its pages, sign-in and small API on the REST API, and the Amazon
 * Cognito user pool people sign in with, in the stack's region (eu-west-1).
 *
 * - TOTP is the only second factor and it is required: no SMS (a phone number would be personal data the pool
 *   holds, and SMS goes through a phone network outside the region), no e-mail codes.
 * - Nobody signs up: an admin invites (`npm run users -- invite`, AdminCreateUser) and puts the user in one group
 *   (`admin`, `sales`, `viewer`), which the dashboard turns into scopes.
 * - The Plus feature plan with threat protection enforced: compromised-credential checks and adaptive
 *   authentication block risky sign-ins (cdk-nag AwsSolutions-COG8). At $0.02 a monthly active user it costs a
 *   ten-person team $0.20 a month.
 * - No hosted UI and no domain (a custom domain needs CloudFront): the dashboard function calls Cognito's regional
 *   endpoint with the app client below, which has no secret because the calls are InitiateAuth and
 *   RespondToAuthChallenge, which Cognito authenticates by the user's password and TOTP code, not by IAM.
 */
export class DashboardApp extends Construct {
  public readonly function: NodejsFunction;
  public readonly userPool: cognito.UserPool;
  public readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: DashboardAppProps) {
    super(scope, id);
    const { table, retention } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      // No attribute beyond the address people sign in with: the pool holds the least about staff it can.
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true, email: false },
      passwordPolicy: DASHBOARD_PASSWORD_POLICY,
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // People and their TOTP secrets cannot be exported; losing the pool with the stack would lock everyone out.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of RoleSchema.options) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Dashboard role ${role} (functions/contracts/api/dashboard.ts ROLE_SCOPES)`,
      });
    }
    this.userPoolClient = this.userPool.addClient('Client', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The dashboard reads the ID token once (sub and groups) and keeps its own session; tokens are never stored.
      idTokenValidity: Duration.minutes(5),
      accessTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.hours(1),
      authSessionValidity: Duration.minutes(5),
    });

    this.function = new EirleadFunction(this, 'Function', {
      name: 'dashboard',
      encryptionKey: props.encryptionKey,
      // People in one company: 5 instances answer dozens of page loads and sign-ins a second, and a flood of
      // sign-in posts cannot take concurrency from the API.
      invocation: { type: 'sync' },
      concurrency: { reserved: 5 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        RETENTION: retention,
        SITES: [...props.sites],
        DASHBOARD_DIR: bundledDataPath('dashboard'),
        USER_POOL_ID: this.userPool.userPoolId,
        USER_POOL_CLIENT_ID: this.userPoolClient.userPoolClientId,
      },
    }).function;
    // No cognito-idp permission at all: the sign-in calls are authenticated by the person's password and code.
    grantTableAccess(this.function, table, {
      items: [
        // Its sessions: created, read (consistently) and deleted at sign-out.
        { actions: ['GetItem', 'PutItem', 'DeleteItem'], partitions: [PARTITIONS.session] },
        // A sign-in between its steps: written, then taken (a delete that returns it), so it is used once.
        { actions: ['PutItem', 'DeleteItem'], partitions: [PARTITIONS.pendingSignIn] },
        // Saved views and tags/assignments of a site.
        { actions: ['Query', 'PutItem', 'DeleteItem'], partitions: [PARTITIONS.views] },
        { actions: ['BatchGetItem', 'PutItem'], partitions: [PARTITIONS.annotations] },
        // Tagging checks the lead exists (its partition); every read and write leaves an audit record.
        { actions: ['Query'], partitions: [PARTITIONS.lead] },
        { actions: ['PutItem'], partitions: [PARTITIONS.audit] },
        // API keys made and revoked by admins over HTTP (functions/dashboard/api-keys.ts): listed through the index.
        { actions: ['PutItem', 'UpdateItem'], partitions: [PARTITIONS.apiKey] },
      ],
      indexQuery: { indexName: LEADS_BY_LAST_SEEN_INDEX, partitions: [INDEX_PARTITIONS.apiKeys] },
    });

    for (const route of ROUTES.filter((candidate) => candidate.function === 'dashboard')) {
      props.restApi.addRoute(route, this.function, props.authorizer);
    }
  }
}
