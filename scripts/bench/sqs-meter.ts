/**
 * A metering proxy in front of the SQS emulator: counts requests per action and the requests SQS would bill.
 *
 * SQS bills every API action as one request per started 64 KB chunk of its payload: "A single request can have
 * from 1 to 10 messages, up to a maximum total payload of 256 KB. Each 64 KB chunk of a payload is billed as
 * 1 request (for example, an API action with a 256 KB payload is billed as 4 requests)"
 * (https://aws.amazon.com/sqs/pricing/). The payload of a message is taken as its body plus its message attributes
 * (name, data type and value), the parts SQS counts toward the message size; a send is measured on the request,
 * a receive on the messages it returned, any other action is one request. An empty receive is still one request.
 * Requests the emulator refused are counted in `failedRequests` and not billed.
 *
 * The SDK v3 SQS client speaks the JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`). A client on the older query
 * protocol is counted by its `Action` parameter and billed one request per call, its payload unmeasured.
 */
import { parseJson, startMeteringProxy } from './metering-proxy';

export const SQS_CHUNK_BYTES = 64 * 1024;

export interface SqsMeterOptions {
  /** The SQS emulator's endpoint. */
  readonly upstream: string;
}

export interface SqsActionTotals {
  readonly requests: number;
  readonly billableRequests: number;
  readonly payloadBytes: number;
}

export interface SqsMeterTotals {
  readonly byAction: Readonly<Record<string, SqsActionTotals>>;
  readonly requests: number;
  /** Billed requests: one per started 64 KB chunk of each successful action's payload. */
  readonly billableRequests: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly emptyReceives: number;
  readonly failedRequests: number;
  /** Metering failures: the requests went through, but the figures above miss them. */
  readonly errors: readonly string[];
}

export interface SqsMeter {
  /** Point the SQS client here instead of at the emulator. */
  readonly endpoint: string;
  totals(): SqsMeterTotals;
  reset(): void;
  stop(): Promise<void>;
}

/** A message as SendMessage, SendMessageBatch entries and ReceiveMessage carry it in the JSON protocol. */
export interface SqsMessage {
  readonly MessageBody?: string;
  readonly Body?: string;
  readonly MessageAttributes?: Readonly<Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string }>>;
}

/** Body plus message attributes, in bytes; binary attribute values count their raw (base64-decoded) bytes. */
export function messagePayloadBytes(message: SqsMessage): number {
  const body = Buffer.byteLength(message.MessageBody ?? message.Body ?? '', 'utf8');
  const attributes = Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(value.DataType ?? '', 'utf8') +
      Buffer.byteLength(value.StringValue ?? '', 'utf8') +
      (value.BinaryValue ? Buffer.from(value.BinaryValue, 'base64').length : 0),
    0,
  );
  return body + attributes;
}

/** Requests SQS bills for one action with this payload: one per started 64 KB chunk, at least one. */
export const billableRequests = (payloadBytes: number): number => Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));

const PREFIX = 'AmazonSQS.';

interface MeterState {
  byAction: Record<string, { requests: number; billableRequests: number; payloadBytes: number }>;
  requests: number;
  billableRequests: number;
  messagesSent: number;
  messagesReceived: number;
  emptyReceives: number;
  failedRequests: number;
  errors: string[];
}

const emptyState = (): MeterState => ({
  byAction: {},
  requests: 0,
  billableRequests: 0,
  messagesSent: 0,
  messagesReceived: 0,
  emptyReceives: 0,
  failedRequests: 0,
  errors: [],
});

export async function startSqsMeter({ upstream }: SqsMeterOptions): Promise<SqsMeter> {
  let state = emptyState();
  const proxy = await startMeteringProxy({
    upstream,
    onError: (error) => state.errors.push(error instanceof Error ? error.message : String(error)),
    handle: async (request, forward) => {
      const jsonProtocol = request.target?.startsWith(PREFIX) === true;
      const action = jsonProtocol
        ? request.target!.slice(PREFIX.length)
        : (new URLSearchParams(request.body.toString('utf8')).get('Action') ?? 'unknown');
      const tally = (state.byAction[action] ??= { requests: 0, billableRequests: 0, payloadBytes: 0 });
      tally.requests += 1;
      state.requests += 1;

      const response = await forward();
      if (response.status >= 400) {
        state.failedRequests += 1;
        return;
      }
      const responseJson = jsonProtocol ? parseJson(response) : {};
      const body: Record<string, unknown> =
        jsonProtocol && request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
      let messages: readonly SqsMessage[] = [];
      if (action === 'SendMessage') messages = [body as SqsMessage];
      if (action === 'SendMessageBatch') messages = (body.Entries ?? []) as SqsMessage[];
      if (action === 'ReceiveMessage') messages = (responseJson.Messages ?? []) as SqsMessage[];
      // A batch send can succeed in part: only the entries SQS accepted were sent.
      const failedEntries = action === 'SendMessageBatch' ? ((responseJson.Failed ?? []) as unknown[]).length : 0;

      const payloadBytes = messages.reduce((sum, message) => sum + messagePayloadBytes(message), 0);
      const billed = billableRequests(payloadBytes);
      tally.payloadBytes += payloadBytes;
      tally.billableRequests += billed;
      state.billableRequests += billed;
      if (action === 'ReceiveMessage') {
        state.messagesReceived += messages.length;
        if (messages.length === 0) state.emptyReceives += 1;
      } else {
        state.messagesSent += Math.max(0, messages.length - failedEntries);
      }
    },
  });

  return {
    endpoint: proxy.endpoint,
    totals: (): SqsMeterTotals => structuredClone(state),
    reset: () => {
      state = emptyState();
    },
    stop: () => proxy.stop(),
  };
}
