/**
 * Signature of the bank disbursement interface (社银接口, Art. 39, 63: 发放数据加密后通过社银接口传递).
 *
 * What is modelled: integrity and origin by HMAC-SHA256 over the exact request body with a key shared with the
 * disbursing bank; the header `x-signature-key-id` names the key (so keys can be rotated), `x-signature` carries
 * `sha256=<hex>`. Confidentiality is left to TLS at deployment (the base URL is https there); payload encryption
 * with the bank's own scheme (e.g. SM4) would wrap the same body. Replays are harmless: payments are idempotent by
 * payment ID. The key comes from configuration (BANK_SIGNING_KEY), never from the repository.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const BANK_KEY_ID_HEADER = 'x-signature-key-id';
export const BANK_SIGNATURE_HEADER = 'x-signature';

export function signBankBody(key: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

export function verifyBankSignature(key: string, body: string | Uint8Array, signature: string): boolean {
  const expected = Buffer.from(signBankBody(key, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
