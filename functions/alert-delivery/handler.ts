import { awsInfrastructure } from '../adapters/infrastructure';
import { readEnvironment } from '../platform/env';
import { alertDeliveryDependencies, createHandler } from './app';

/** Lambda entry of the delivery queue's event source mapping and of the daily digest schedule (see app.ts). */
export const handler = createHandler(alertDeliveryDependencies(readEnvironment('alertDelivery'), awsInfrastructure()));
