import { S3Client } from '@aws-sdk/client-s3';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

export const s3Client = (options: ClientOptions = {}): S3Client => new S3Client({ ...options, region: REGION });
