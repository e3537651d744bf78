/** The S3-compatible document store (Art. 14, 84) against the AWS SDK's mock (no S3 server in the unit project). */
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { s3DocumentStore, sha256Of } from '../../../lib/document-store';

const config = { bucket: 'documents', region: 'us-east-1', forcePathStyle: true };

describe('the S3 document store (Art. 14, 84)', () => {
  it('Art. 14: keeps a new content under its SHA-256 with the checksum, once; a stored one is not sent again', async () => {
    const s3 = mockClient(S3Client);
    const bytes = Buffer.from('%PDF-1.4 scan');
    const hash = sha256Of(bytes);
    s3.on(HeadObjectCommand)
      .rejectsOnce(new NotFound({ message: 'no', $metadata: { httpStatusCode: 404 } }))
      .resolves({});
    s3.on(PutObjectCommand).resolves({});
    const store = s3DocumentStore(config, s3 as unknown as S3Client);
    await store.put(undefined as never, hash, bytes);
    await store.put(undefined as never, hash, bytes);
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input).toMatchObject({
      Bucket: 'documents',
      Key: `sha256/${hash}`,
      ChecksumSHA256: Buffer.from(hash, 'hex').toString('base64'),
    });
  });

  it('Art. 14: reads the bytes back, and a content it does not hold is null', async () => {
    const s3 = mockClient(S3Client);
    const bytes = Buffer.from('%PDF-1.4 scan');
    s3.on(GetObjectCommand, { Key: `sha256/${sha256Of(bytes)}` }).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(bytes) } as never,
    });
    s3.on(GetObjectCommand, { Key: 'sha256/none' }).rejects(
      new NotFound({ message: 'no', $metadata: { httpStatusCode: 404 } }),
    );
    const store = s3DocumentStore(config, s3 as unknown as S3Client);
    expect((await store.get(sha256Of(bytes)))?.equals(bytes)).toBe(true);
    expect(await store.get('none')).toBeNull();
  });
});
