import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_REGION } from './emulators';

/** The account id local-aws-sqs puts into queue ARNs; reused so every local ARN names the same account. */
export const LOCAL_ACCOUNT_ID = '123456789012';

export interface LocalFunction {
  readonly name: string;
  /** As configured on AWS; an invocation that runs longer is reported as timed out. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export class InvocationTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'InvocationTimeoutError';
  }
}

/** A Lambda-like context, so handlers (and Powertools) find what they read on AWS. */
export function lambdaContext(fn: LocalFunction, deadline: number): Context {
  const requestId = randomUUID();
  const unsupported = (): never => {
    throw new Error('Callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export interface Invocation {
  readonly fn: LocalFunction;
  /** Wall-clock duration, rounded up to whole milliseconds as Lambda bills it. */
  readonly billedMs: number;
  readonly failed: boolean;
}

const invocationListeners = new Set<(invocation: Invocation) => void>();

/** Calls `listener` after every local invocation (the benchmark meters them); returns the unsubscribe function. */
export function observeInvocations(listener: (invocation: Invocation) => void): () => void {
  invocationListeners.add(listener);
  return () => invocationListeners.delete(listener);
}

/**
 * Invokes a handler as Lambda would: with a fresh context and a deadline. Node cannot cancel the handler's
 * promise, so a timed-out invocation keeps running in the background, but its result is discarded as on AWS.
 */
export async function invoke<E, R>(
  fn: LocalFunction,
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
): Promise<R> {
  const started = performance.now();
  const deadline = Date.now() + fn.timeoutMs;
  let failed = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeoutError(fn.name, fn.timeoutMs)), fn.timeoutMs);
  });
  try {
    return await Promise.race([handler(event, lambdaContext(fn, deadline)), timeout]);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    clearTimeout(timer);
    const invocation = { fn, billedMs: Math.max(1, Math.ceil(performance.now() - started)), failed };
    for (const listener of invocationListeners) listener(invocation);
  }
}
