/**
 * The agency's electronic seal (Art. 10): a signature any reader verifies. OpenSSL's CMS verification, a reader no
 * one here wrote, finds the signer's certificate by the issuer and serial number the signature names, with the
 * Chinese names of the development seal, and refuses the signature over changed content.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeal } from '../../../lib/seal';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function opensslVerify(dir: string, signature: Buffer, content: Buffer) {
  writeFileSync(join(dir, 'sig.der'), signature);
  writeFileSync(join(dir, 'content.bin'), content);
  const r = spawnSync('openssl', [
    'cms',
    '-verify',
    '-inform',
    'DER',
    '-in',
    join(dir, 'sig.der'),
    '-content',
    join(dir, 'content.bin'),
    '-binary',
    '-noverify', // the development seal is self-signed: the chain is not what is checked here
    '-out',
    join(dir, 'out.bin'),
  ]);
  return { ok: r.status === 0, stderr: String(r.stderr) };
}

describe.skipIf(!hasOpenssl)('the electronic seal (Art. 10)', () => {
  it('signs so that OpenSSL finds the signer by its Chinese issuer name and verifies; changed content fails (Art. 10)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seal-'));
    const seal = loadSeal({ dir: join(dir, 'seal') });
    expect(seal.signer).toContain('辽宁省');
    const content = Buffer.from('%PDF-1.7 权益记录单 byte ranges');
    const signature = await seal.pdfSigner.sign(content);
    const good = opensslVerify(dir, signature, content);
    expect(good.stderr).not.toContain('signer certificate not found');
    expect(good.ok).toBe(true);
    const bad = opensslVerify(dir, signature, Buffer.concat([content, Buffer.from('!')]));
    expect(bad.ok).toBe(false);
  });
});
