/**
 * The document store (业务材料, Art. 14, 84): the bytes of the files supplied for cases, addressed by their SHA-256,
 * so the same file twice is stored once. The metadata (kind, supplier, case, the 与原件核对无误 mark) is the read
 * model's `document` table, written by the API in the same transaction as `put` where the store takes part in it.
 *
 *   postgres (default)  table `document_content` (bytea) of the project's own database: one backup, one replica, one
 *                       transaction for bytes and metadata, and every API process sees every file (scaling out stays
 *                       configuration only; a directory under DATA_DIR would be one machine's)
 *   s3                  an S3-compatible bucket (DOCUMENT_STORE=s3, S3_*), by the AWS SDK's client
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { postgresDocumentStore } from './postgres';
import { s3DocumentStore, type S3StoreConfig } from './s3';

export type { DocumentStore, Tx } from './types';
import type { DocumentStore } from './types';

export const sha256Of = (bytes: Buffer | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface DocumentStoreConfig {
  DOCUMENT_STORE: 'postgres' | 's3';
  S3_ENDPOINT?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
}

export function createDocumentStore(db: Db, config: DocumentStoreConfig): DocumentStore {
  if (config.DOCUMENT_STORE === 'postgres') return postgresDocumentStore(db);
  if (!config.S3_BUCKET) throw new Error('DOCUMENT_STORE=s3 needs S3_BUCKET');
  const s3: S3StoreConfig = {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
  };
  return s3DocumentStore(s3);
}

export { postgresDocumentStore, s3DocumentStore };
