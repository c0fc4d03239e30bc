/**
 * The CloudWatch Logs bytes of one API Gateway access log line: the stack's format (lib/constructs) with a typical
 * value for each `$context` variable it uses. The local runtime has no API Gateway in front of it, so the
 * benchmark cannot read these lines; it counts one per API request at this size.
 */

/** Typical values, as API Gateway renders them; `-` is what it writes for an empty variable. */
const TYPICAL: Readonly<Record<string, string>> = {
  '$context.requestId': 'c5d8a1f2-3b4e-4c6d-8e9f-0a1b2c3d4e5f',
  '$context.requestTimeEpoch': '1764121212345',
  '$context.httpMethod': 'POST',
  '$context.routeKey': 'POST /v1/events',
  '$context.resourcePath': '/v1/events',
  '$context.status': '202',
  '$context.protocol': 'HTTP/1.1',
  '$context.responseLength': '16',
  '$context.responseLatency': '48',
  '$context.integrationLatency': '41',
  '$context.integrationStatus': '200',
  '$context.integrationErrorMessage': '-',
  '$context.authorizer.status': '-',
  '$context.error.responseType': '-',
  '$context.error.message': '-',
};

/** CloudWatch Logs counts 26 bytes of metadata with every log event (PutLogEvents quotas); taken as billed too. */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

export function accessLogLineBytes(format: string): number {
  const line = format.replace(/\$context\.[A-Za-z.]+/g, (variable) => {
    const value = TYPICAL[variable];
    if (value === undefined) throw new Error(`No typical value for ${variable}: add one to scripts/bench/access-log.ts`);
    return value;
  });
  return Buffer.byteLength(line) + LOG_EVENT_OVERHEAD_BYTES;
}
