import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../aws-clients/lambda';

let lambda: LambdaClient | undefined;

/**
 * Lambda's `Event` invocation (queued by Lambda, retried, then sent to the function's on-failure destination),
 * for a handler's `awsInfrastructure({ invokeAsync })`; resolves once Lambda has accepted the event.
 */
export async function awsInvokeAsync(functionName: string, payload: unknown): Promise<void> {
  lambda ??= lambdaClient();
  const { StatusCode } = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  if (StatusCode !== 202) throw new Error(`Lambda did not accept the event for ${functionName} (status ${StatusCode})`);
}
