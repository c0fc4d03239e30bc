import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../aws-clients/s3';

/**
 * Where export files go: on AWS an S3 bucket (encrypted with the project key by the bucket's default encryption,
 * deleted by its lifecycle rule after a day), locally a directory served by the local runtime under signed,
 * expiring URLs (local/export-files.ts). The export function writes; the leads API hands out download URLs.
 */
export interface ExportStorage {
  /** Streams `body` into the object `key`; returns its size. Memory stays bounded by the part size. */
  write(key: string, body: Readable, contentType: string): Promise<{ bytes: number }>;
  /** A URL that downloads the object for `seconds`, as an attachment named `fileName`. */
  downloadUrl(key: string, seconds: number, fileName: string): Promise<string>;
}

/** 8 MB parts, two in flight: about 16 MB of buffers whatever the export's size (S3's minimum part is 5 MB). */
const PART_BYTES = 8 * 1024 * 1024;

export class S3ExportStorage implements ExportStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async write(key: string, body: Readable, contentType: string): Promise<{ bytes: number }> {
    let bytes = 0;
    const counted = new PassThrough();
    counted.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: counted, ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await Promise.all([pipeline(body, counted), upload.done()]);
    return { bytes };
  }

  downloadUrl(key: string, seconds: number, fileName: string): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${fileName}"` });
    return getSignedUrl(this.s3, command, { expiresIn: seconds });
  }
}

/** Export files in S3, for a handler's `awsInfrastructure({ exportStorage })`. */
export const awsExportStorage = (bucket: string): ExportStorage => new S3ExportStorage(s3Client(), bucket);
