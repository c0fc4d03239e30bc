import { isAbsolute, join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { encodeEnvironment } from '../../functions/contracts/environment';
import { type FunctionDefinition, type FunctionEnvironment, type FunctionName, FUNCTIONS } from '../../functions/contracts/functions';
import { projectRoot } from '../project-root';
import { grantQueueSend } from './key-access';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag L1 checks exactly that).
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** esbuild target matching the runtime (`nodejs24.x` -> `node24`), so the two cannot drift apart. */
const ESBUILD_TARGET = FUNCTION_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

export interface EirleadFunctionProps<N extends FunctionName> {
  /** Which function of the function table (functions/contracts/functions.ts): entry, settings, environment contract. */
  readonly name: N;
  /** The function's environment, typed by its contract and encoded by it. */
  readonly environment: FunctionEnvironment<N>;
  /** The project key, which encrypts the function's log group (its key policy lets CloudWatch Logs use it). */
  readonly encryptionKey: kms.IKey;
  /**
   * `reserved`: reserved concurrency, both the most instances that may run at once and capacity held back for this
   * function alone, so it neither starves the others nor is starved by them. `unreserved`: why the function must
   * draw on the account's shared pool instead (the acknowledgement of cdk-nag's NIST.800.53.R5-LambdaConcurrency).
   * Reservations come out of the account's concurrency (1,000 by default; Lambda keeps at least 100 unreserved).
   */
  readonly concurrency: { readonly reserved: number } | { readonly unreserved: string };
  /**
   * How the function is invoked. `sync` (API Gateway, the authoriser) and `queue` (an SQS event source mapping,
   * whose queue has its own dead-letter queue) return their failures to the caller. `async` (EventBridge): Lambda
   * retries a failed event `retryAttempts` times within `maxEventAge`, then sends it with the error to `onFailure`.
   */
  readonly invocation: { readonly type: 'sync' | 'queue' | 'stream' } | AsyncInvocation;
  /**
   * Retention of the function's log group, in days (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Logs hold no personal data and expire anyway; deleting them with the stack leaves nothing behind.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export interface AsyncInvocation {
  readonly type: 'async';
  /** The on-failure destination: a queue (its key's use is granted to the function, bound to SQS). */
  readonly onFailure: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

const FAILURE_HANDLING: Record<'sync' | 'queue' | 'stream' | 'async', string> = {
  sync: 'Invoked synchronously (API Gateway, or as its authoriser): a failure is returned to the caller as an error response; there is no event left to keep.',
  queue:
    "Invoked by an SQS event source mapping: a failed record returns to the queue and, after the queue's maxReceiveCount, goes to the queue's own dead-letter queue (alarmed).",
  stream:
    "Invoked by a DynamoDB Streams event source mapping: a failing batch is split and retried, and what still fails goes with its stream position to the mapping's on-failure destination (an encrypted SQS queue, alarmed); a DeadLetterConfig applies to asynchronous invocations only.",
  async:
    'Invoked asynchronously: a finally failed event goes to the function\'s on-failure destination (AWS::Lambda::EventInvokeConfig, an encrypted SQS queue, alarmed), which, unlike a DeadLetterConfig, records the error with the event; a DeadLetterConfig would be a second, older channel for the same failures.',
};

/** Where a function's bundled data directory is at run time (`/var/task/<destination>`). */
export function bundledDataPath(name: FunctionName): string {
  const bundled = (FUNCTIONS[name] as FunctionDefinition).bundledData;
  if (!bundled) throw new Error(`Function ${name} bundles no data`);
  return `/var/task/${bundled.destination}`;
}

/**
 * The project's one `NodejsFunction` wrapper: every function gets the same runtime, bundling, logging (an
 * encrypted log group of its own), concurrency decision and failure handling for how it is invoked.
 */
export class EirleadFunction<N extends FunctionName> extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EirleadFunctionProps<N>) {
    super(scope, id);
    const definition: FunctionDefinition = FUNCTIONS[props.name];
    validate(definition, props);
    const root = projectRoot();
    const logRetentionDays = props.logRetentionDays ?? 30;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetentionDays as logs.RetentionDays,
      // Logs hold no personal data by design, but an error's message may quote more than it should: encrypted
      // with the project key, they are as readable as the data they come from, no more.
      encryptionKey: props.encryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    // Its own role with write access to its own log group only, instead of the managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Eirlead ${definition.serviceName}`,
    });
    this.logGroup.grantWrite(role);
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (!defaultPolicy) throw new Error(`EirleadFunction ${definition.serviceName}: the role has no default policy`);
    Validations.of(defaultPolicy).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        "CDK's default policy of this function's own role: attached to this one role, holding only the scoped statements of its grants (test/infra/iam.test.ts). A managed policy instead would be a separate object attachable to other principals, which widens access rather than narrowing it; the role has no managed policy.",
    });

    const copy = definition.bundledData;
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(root, definition.entry),
      handler: 'handler',
      description: definition.description,
      runtime: FUNCTION_RUNTIME,
      // Graviton: about 20 % cheaper per GB-second than x86, and nothing here needs x86.
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      logGroup: this.logGroup,
      // Lambda's advanced logging controls, which filter by level only for JSON-format logs.
      loggingFormat: lambda.LoggingFormat.JSON,
      // The START/END/REPORT lines (about 300 bytes an invocation, once the bulk of the log bill) are INFO system
      // logs. Duration, errors, throttles and concurrency stay in Lambda's own metrics, which the alarms use.
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      // Powertools Logger takes this level (AWS_LAMBDA_LOG_LEVEL) over POWERTOOLS_LOG_LEVEL and its debug sampling,
      // so debug lines are written only while someone lowers it to DEBUG. Not above INFO: Lambda files lines with
      // no "level" key, such as the EMF metric lines, as INFO and would drop them.
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      role,
      ...('reserved' in props.concurrency ? { reservedConcurrentExecutions: props.concurrency.reserved } : {}),
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: definition.serviceName,
        // Stack traces point at the TypeScript source instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...encodeEnvironment(definition.environment, props.environment),
      },
      bundling: {
        // The handlers import ES-module-only packages (@middy/core 7), so the bundle is an ES module too.
        format: OutputFormat.ESM,
        // Some bundled CommonJS dependencies call require(); ES modules have none, so provide one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Prefer packages' ES module builds, which esbuild can tree-shake.
        mainFields: ['module', 'main'],
        // Emit syntax the runtime runs natively, no down-levelling.
        target: ESBUILD_TARGET,
        // Smaller bundles load faster on cold start; source maps keep stack traces readable.
        minify: true,
        sourceMap: true,
        // The map needs only the mappings, not a copy of every source file, to name files and lines.
        sourcesContent: false,
        // Bundle the AWS SDK v3 instead of using the runtime's copy: the tree-shaken ES modules initialise
        // ~100 ms faster than the runtime's CommonJS SDK (measured: enrichment import 270-300 ms vs 390-420 ms),
        // and the functions run the SDK version the tests ran.
        externalModules: [],
        // esbuild is a dev dependency: bundle locally and never need Docker.
        forceDockerBundling: false,
        ...(copy ? { commandHooks: copyHook(copy) } : {}),
      },
    });
    const { invocation } = props;
    if (invocation.type === 'async') {
      // The destination is given by ARN rather than as an SqsDestination, whose grant would let the function use
      // the queue's key for anything; grantQueueSend binds that use to SQS.
      const onFailure: lambda.IDestination = { bind: () => ({ destination: invocation.onFailure.queueArn }) };
      this.function.configureAsyncInvoke({ onFailure, retryAttempts: invocation.retryAttempts, maxEventAge: invocation.maxEventAge });
      grantQueueSend(invocation.onFailure, this.function);
    }
    // cdk-nag's DLQ rules look for a DeadLetterConfig only.
    for (const id of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      Validations.of(this.function).acknowledge({ id, reason: FAILURE_HANDLING[invocation.type] });
    }
    if ('unreserved' in props.concurrency) {
      Validations.of(this.function).acknowledge({ id: 'NIST.800.53.R5-LambdaConcurrency', reason: props.concurrency.unreserved });
    }
    Validations.of(this.function).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'The function reaches only regional AWS service endpoints (DynamoDB, SQS, KMS, CloudWatch Logs) over TLS with IAM-signed requests, and nothing it uses lives in a VPC. A VPC would need interface endpoints or a NAT gateway, at a fixed hourly cost per AZ, plus ENI setup, and would add nothing: what the function may do is bounded by its role (item by item, test/infra/iam.test.ts), not by network paths.',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'X-Ray off by design: traces are kept 30 days regardless of the retention this stack configures, and the API stage must not trace (its segments record the client IP); logs and metrics carry the operational signal.',
    });
  }
}

function validate(definition: FunctionDefinition, props: EirleadFunctionProps<FunctionName>): void {
  const name = definition.entry;
  if (isAbsolute(name) || !/\.(ts|mts|js|mjs)$/.test(name)) {
    throw new Error(`EirleadFunction: entry must be a .ts/.js path relative to the project root, got ${name}`);
  }
  if (!Number.isInteger(definition.memoryMb) || definition.memoryMb < 128 || definition.memoryMb > 10_240) {
    throw new Error(`EirleadFunction ${name}: memory must be an integer from 128 to 10240 MB, got ${definition.memoryMb}`);
  }
  if (definition.timeoutSeconds < 1 || definition.timeoutSeconds > 900) {
    throw new Error(`EirleadFunction ${name}: timeout must be from 1 to 900 seconds`);
  }
  if ('reserved' in props.concurrency && (!Number.isInteger(props.concurrency.reserved) || props.concurrency.reserved < 1)) {
    // 0 would stop the function altogether; that is an operator's emergency switch, not a configuration.
    throw new Error(`EirleadFunction ${name}: reserved concurrency must be a positive integer, got ${props.concurrency.reserved}`);
  }
  if ('unreserved' in props.concurrency && props.concurrency.unreserved.trim().length < 20) {
    throw new Error(`EirleadFunction ${name}: say why the function has no reserved concurrency`);
  }
  if (props.logRetentionDays !== undefined && !(props.logRetentionDays in logs.RetentionDays)) {
    throw new Error(`EirleadFunction ${name}: logRetentionDays ${props.logRetentionDays} is not a CloudWatch Logs retention period`);
  }
  const copy = definition.bundledData;
  if (copy && (isAbsolute(copy.source) || isAbsolute(copy.destination) || copy.destination.split(/[\\/]/).includes('..'))) {
    throw new Error(`EirleadFunction ${name}: bundled data paths must be relative and stay inside the bundle`);
  }
}

function copyHook(copy: NonNullable<FunctionDefinition['bundledData']>) {
  return {
    beforeBundling: (): string[] => [],
    beforeInstall: (): string[] => [],
    // Runs only when the asset is really bundled (not in tests that skip bundling); the script fails with
    // a message naming the missing directory and the npm script that builds it.
    afterBundling: (inputDir: string, outputDir: string): string[] => [
      `node "${join(inputDir, 'lib', 'bundling', 'copy-into-bundle.mjs')}" "${join(inputDir, copy.source)}" "${join(outputDir, copy.destination)}"`,
    ],
  };
}
