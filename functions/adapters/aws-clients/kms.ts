import { KMSClient } from '@aws-sdk/client-kms';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

export const kmsClient = (options: ClientOptions = {}): KMSClient => new KMSClient({ ...options, region: REGION });
