/**
 * An S3-compatible document store (DOCUMENT_STORE=s3): objects `sha256/<hash>` in one bucket, by @aws-sdk/client-s3
 * (credentials from the SDK's usual chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
 * The bucket takes no part in the database's transaction: the object is written first, then the metadata row; an
 * object whose row was never written is content nobody refers to, and the same upload later finds it there.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { DocumentStore } from './types';

export interface S3StoreConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
}

const keyOf = (sha256: string) => `sha256/${sha256}`;
const notFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);

export function s3DocumentStore(config: S3StoreConfig, client?: S3Client): DocumentStore {
  const s3 =
    client ??
    new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    });
  const Bucket = config.bucket;
  return {
    kind: 's3',
    async put(_tx, sha256, bytes) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket, Key: keyOf(sha256) }));
        return; // stored already: the same content
      } catch (err) {
        if (!notFound(err)) throw err;
      }
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: keyOf(sha256),
          Body: bytes,
          ContentLength: bytes.length,
          // The store checks the bytes it receives against the hash they are kept under.
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      );
    },
    async get(sha256) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket, Key: keyOf(sha256) }));
        return r.Body ? Buffer.from(await r.Body.transformToByteArray()) : null;
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
  };
}
