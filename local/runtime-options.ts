/**
 * What the local runtime takes and what it hands back (local/runtime.ts starts it): its options, each with the
 * `cdk.json` context or AWS behaviour it stands for, and the handle tests and `npm start` drive it by.
 */
import type { OutboundPolicy } from '../functions/adapters/outbound/sender';
import type { BehaviourLimits, CrmConfig, CrmEndpoints } from '../functions/contracts/deployment-config';
import type { StageThrottling } from './api-gateway/throttle';
import type { EmailOutbox } from './email-outbox';
import type { LambdaBatching } from './event-sources';
import type { Queues } from './resources';

export interface LocalRuntimeOptions {
  /** Port on 127.0.0.1. @default 0, any free port */
  readonly port?: number;
  /** Where DynamoDB data and the local master key live, so a restart keeps them. @default in memory */
  readonly dataDir?: string;
  /** Directory with the compiled IP data (`npm run build:ipdata`). */
  readonly ipDataDir: string;
  /** The built tracking snippet (`npm run build:snippet`), served at `GET /v1/snippet.js`. */
  readonly snippetFile: string;
  /** The built reference page (`npm run build:docs`), served at `/docs`. @default build/docs */
  readonly docsDir?: string;
  /** The built dashboard (`npm run build:dashboard`), served at `/`. @default `dashboard` beside the snippet's build folder */
  readonly dashboardDir?: string;
  /**
   * The local user store (local/identity/local-users.ts) people sign in with.
   * @default `<dataDir>/users.json`, or in memory without a data directory
   */
  readonly usersFile?: string;
  /** The demo site (local/demo), served at `/demo`. @default no demo */
  readonly demoDir?: string;
  /** Bot signals and the typed-domain quota, as `cdk.json` context `limits` sets them. @default DEFAULT_BEHAVIOUR_LIMITS */
  readonly limits?: BehaviourLimits;
  /** Take the visitor IP from the first X-Forwarded-For entry. @default false */
  readonly trustForwardedFor?: boolean;
  /** A key with every scope on every site. @default a generated key */
  readonly apiKey?: string;
  /** Emulators already running (the integration tests start them once per run). @default started here */
  readonly emulators?: { readonly dynamoDbEndpoint: string; readonly sqsEndpoint: string };
  /** Unique names let several runtimes share the emulators. @default eirlead, eirlead-events, eirlead-events-dlq */
  readonly names?: { readonly tableName: string; readonly queueName: string; readonly deadLetterQueueName: string };
  /**
   * How long a received message stays hidden before SQS hands it out again; a batch that runs longer is redelivered.
   * @default 10 (short, so that local retries and dead-lettering are quick to see)
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Serve `POST /v1/events` also at a function URL of the ingest function, on a port of its own, and have the served
   * snippet send there, as `ingestApi: "functionUrl"` (the stack's default) does on AWS. The main port keeps serving
   * every route, as the HTTP API does. @default true
   */
  readonly functionUrl?: boolean;
  /** Port of the function URL on 127.0.0.1. @default 0, any free port */
  readonly functionUrlPort?: number;
  /**
   * Where alerts may be sent. Loopback receivers (and the certificates they present) only with this explicit
   * setting, as a deployed function never may. @default public HTTPS destinations only
   */
  readonly alertsOutbound?: OutboundPolicy;
  /**
   * API Gateway's stage throttling, as `cdk.json` context `throttle` sets it (rate, burst, single methods); beyond it
   * the API answers 429 with `Retry-After`. @default none: the local runtime throttles nothing, because tests and
   * benchmarks load one machine harder than a stage would let through
   */
  readonly throttle?: StageThrottling;
  /** The CRM integration's configuration, as `cdk.json` context `crm` sets it. @default DEFAULT_CRM_CONFIG */
  readonly crm?: CrmConfig;
  /** Where the CRMs are: the tests point them at contract fakes on 127.0.0.1. @default the providers' own addresses */
  readonly crmEndpoints?: CrmEndpoints;
  /** How often the local schedule fans out CRM syncs (the daily schedule on AWS). @default 24 hours */
  readonly crmSyncEveryMs?: number;
  /** Poll the enrichment queue as Lambda does, with its batching window (the benchmark). @default fast local polling */
  readonly lambdaBatching?: LambdaBatching;
  /** Progress and per-request lines. @default console.log */
  readonly log?: (line: string) => void;
  /** Aborting during start stops what already runs and rejects. */
  readonly signal?: AbortSignal;
}

export interface LocalRuntime {
  readonly url: string;
  /** The ingest function URL's base (`functionUrl`), e.g. `http://127.0.0.1:41234`; `POST ${ingestUrl}/v1/events`. */
  readonly ingestUrl?: string;
  readonly apiKey: string;
  /** Whether `apiKey` was generated rather than given. */
  readonly apiKeyGenerated: boolean;
  readonly tableName: string;
  readonly queues: Queues;
  /** The alert delivery queue and its DLQ. */
  readonly deliveryQueues: Queues;
  /** Alert e-mail, kept here instead of being sent (SES on AWS). */
  readonly outbox: EmailOutbox;
  /** Queues the daily digests of `day` (the day before by default), as the daily schedule does on AWS. */
  runDigests(day?: string): Promise<{ queued: number }>;
  /** The CRM jobs queue (sync now, scheduled syncs, continuations). */
  readonly crmQueues: Queues;
  /** What the daily (`sync`) or hourly (`match`) schedule does on AWS, now. */
  runCrmSchedule(task: 'sync' | 'match'): Promise<void>;
  readonly endpoints: { readonly dynamoDb: string; readonly sqs: string };
  /** Stops accepting requests, lets the poller finish its batch, then stops the emulators this runtime started. */
  stop(): Promise<void>;
}
