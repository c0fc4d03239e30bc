import { LambdaClient } from '@aws-sdk/client-lambda';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

export const lambdaClient = (options: ClientOptions = {}): LambdaClient => new LambdaClient({ ...options, region: REGION });
