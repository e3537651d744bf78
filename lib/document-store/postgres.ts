/** The embedded document store: the bytes in `document_content` of the project's own PostgreSQL (see index.ts). */
import type { Db } from '../db';
import type { DocumentStore, Tx } from './types';

export function postgresDocumentStore(db: Db): DocumentStore {
  return {
    kind: 'postgres',
    async put(tx: Tx, sha256: string, bytes: Buffer) {
      await tx.documentContent.createMany({
        data: [{ sha256, sizeBytes: bytes.length, content: new Uint8Array(bytes), storedAt: new Date() }],
        skipDuplicates: true,
      });
    },
    async get(sha256: string) {
      const row = await db.documentContent.findUnique({ where: { sha256 }, select: { content: true } });
      return row ? Buffer.from(row.content) : null;
    },
  };
}
