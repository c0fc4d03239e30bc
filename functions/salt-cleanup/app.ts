import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { destroyExpiredSalts } from '../adapters/dynamodb/daily-salt-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { createLogger, type Logger } from '../platform/logger';

// Where salts expire on time: run every hour by a schedule, so no salt outlives its hours by more than one.

export interface SaltCleanupDependencies {
  readonly destroyExpired: (now: Date) => Promise<string[]>;
  readonly logger: Logger;
}

export function saltCleanupDependencies(environment: FunctionEnvironment<'saltCleanup'>, infrastructure: Pick<Infrastructure, 'documentClient'>): SaltCleanupDependencies {
  const { documentClient } = infrastructure;
  return {
    destroyExpired: (now) => destroyExpiredSalts(documentClient, environment.TABLE_NAME, environment.RETENTION.saltHours, now),
    logger: createLogger(FUNCTIONS.saltCleanup.serviceName),
  };
}

export function createHandler({ destroyExpired, logger }: SaltCleanupDependencies) {
  return async function cleanUp(): Promise<{ destroyed: string[] }> {
    const destroyed = await destroyExpired(new Date());
    logger.info('Destroyed expired salts', { days: destroyed });
    return { destroyed };
  };
}
