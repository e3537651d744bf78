/** What a document store does (see index.ts). */
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db';

export type Tx = Db | Prisma.TransactionClient;

export interface DocumentStore {
  readonly kind: 'postgres' | 's3';
  /** Keeps `bytes` under `sha256` (idempotent: a content stored already is left as it is). */
  put(tx: Tx, sha256: string, bytes: Buffer): Promise<void>;
  /** The bytes stored under `sha256`, or null. */
  get(sha256: string): Promise<Buffer | null>;
}
