import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A REST API (v1) proxy event as API Gateway sends it; only what the handlers read is meaningful. */
export function apiEvent(overrides: Partial<APIGatewayProxyEvent> & { sourceIp?: string } = {}): APIGatewayProxyEvent {
  const { sourceIp = '193.16.4.77', ...rest } = overrides;
  return {
    resource: '/v1/events',
    path: '/v1/events',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: null,
      httpMethod: rest.httpMethod ?? 'POST',
      identity: { sourceIp } as APIGatewayProxyEvent['requestContext']['identity'],
      path: rest.path ?? '/v1/events',
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'r',
      resourcePath: rest.resource ?? '/v1/events',
      stage: 'prod',
    },
    ...rest,
  };
}

export const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;
