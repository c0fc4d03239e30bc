import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids, counts and reasons only: never an IP address, a user agent,
 * a URL query string or any other personal data.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eirlead' });
