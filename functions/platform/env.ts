import { decodeEnvironment } from '../contracts/environment';
import { FUNCTIONS, type FunctionEnvironment, type FunctionName } from '../contracts/functions';

/**
 * A function's configuration, decoded from its environment with its contract (functions/contracts/functions.ts).
 * A missing or malformed variable is a deployment bug and fails the cold start loudly, naming the variable.
 */
export function readEnvironment<N extends FunctionName>(
  name: N,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): FunctionEnvironment<N> {
  const definition = FUNCTIONS[name];
  return decodeEnvironment(definition.environment, environment, definition.serviceName) as FunctionEnvironment<N>;
}
