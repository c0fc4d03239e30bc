import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger };

/**
 * The structured logger of one function, named after it (functions/contracts/functions.ts `serviceName`). Log ids,
 * counts and reasons only: never an IP address, a user agent, a URL query string or any other personal data.
 *
 * Levels: what happens on every request or record is DEBUG (the EMF metrics already count it, and the API access
 * log has each request id); INFO is for rare events worth keeping; WARN and ERROR for failures, with the
 * correlation id. On AWS the level is the function's application log level (lib/constructs/lambda-function.ts),
 * INFO; locally it is Powertools' default, also INFO.
 */
export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });
