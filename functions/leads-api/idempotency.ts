import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { badRequest, header, HttpError } from '../platform/http';

/**
 * `Idempotency-Key` on the POST routes that change data (IETF draft "The Idempotency-Key HTTP Header Field"):
 * the first answer is kept a day and replayed for a repeat with the same key and body; the same key with another
 * body is a 422, a repeat while the first request runs a 409. Keys are per API key, site and operation.
 */

const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Visible ASCII only: the key is hashed, but a caller's logs and ours should be able to show it. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

/** Where a key's record is kept: the key is scoped to the API key that sent it and to the operation. */
export const idempotencyKeyHash = ({ keyId, operation, key }: { keyId: string; operation: string; key: string }): string =>
  sha256(`${keyId}\n${operation}\n${key}`);
/** What tells a repeat from another request under the same key: the body as sent. */
export const requestBodyHash = (body: string | null): string => sha256(body ?? '');

export interface IdempotentRequest {
  readonly event: APIGatewayProxyEvent;
  readonly siteId: string;
  readonly keyId: string;
  readonly operation: string;
}

export async function idempotent(
  store: IdempotencyStore,
  { event, siteId, keyId, operation }: IdempotentRequest,
  run: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  const key = header(event, IDEMPOTENCY_HEADER);
  if (key === undefined) return run();
  if (!VALID_KEY.test(key)) throw badRequest(`Invalid ${IDEMPOTENCY_HEADER}`, [{ path: IDEMPOTENCY_HEADER, message: 'must be 1-255 visible ASCII characters' }]);
  const hash = idempotencyKeyHash({ keyId, operation, key });
  const requestHash = requestBodyHash(event.body);

  const claim = await store.claim(siteId, hash, requestHash);
  if (!claim.claimed) {
    const { record } = claim;
    if (record.requestHash !== requestHash) {
      throw new HttpError(422, 'IdempotencyKeyReused', `This ${IDEMPOTENCY_HEADER} was used with another body; use a new key for a new request`);
    }
    if (record.state === 'pending') throw new HttpError(409, 'IdempotencyKeyInUse', `A request with this ${IDEMPOTENCY_HEADER} is still being answered`);
    if (!record.answer) throw new HttpError(409, 'IdempotencyAnswerNotKept', 'The first answer to this key was too large to keep; read the result instead');
    return { statusCode: record.answer.statusCode, headers: { ...record.answer.headers, 'Idempotent-Replayed': 'true' }, body: record.answer.body };
  }
  let answer: APIGatewayProxyResult;
  try {
    answer = await run();
  } catch (error) {
    await store.release(siteId, hash);
    throw error;
  }
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name, String(value)]));
    await store.complete(siteId, hash, requestHash, { statusCode: answer.statusCode, headers, body: answer.body });
  } else {
    await store.release(siteId, hash);
  }
  return answer;
}
