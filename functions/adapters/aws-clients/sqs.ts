import { SQSClient } from '@aws-sdk/client-sqs';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

/**
 * Requests go to the client's endpoint, never to the host in a queue URL: the regional endpoint on AWS, and the
 * configured one locally (the emulator, or the benchmark's meter in front of it).
 */
export const sqsClient = (options: ClientOptions = {}): SQSClient => new SQSClient({ ...options, region: REGION, useQueueUrlAsEndpoint: false });
