/**
 * Reading a PDF back in tests: its text (npm `unpdf`, PDF.js) and its signature (npm `pkijs`: the CMS SignedData of
 * the signature field verified over the bytes its /ByteRange names, as a PDF reader does).
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { extractText, getDocumentProxy } from 'unpdf';

/** The PDF's text, every page, with the white space removed (CJK text comes back with spaces between runs). */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/\s+/g, '');
}

/** Whether the last signature of the PDF verifies over its byte ranges; with the signer's common name. */
export async function verifyPdfSignature(pdf: Buffer): Promise<{ ok: boolean; signer: string; subFilter: string }> {
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].pop();
  if (!ranges) return { ok: false, signer: '', subFilter: '' };
  const [a, b, c, d] = ranges.slice(1, 5).map(Number) as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const hex = text.slice(a + b + 1, c - 1);
  const der = Buffer.from(hex, 'hex');
  const asn = asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.length));
  const info = new pkijs.ContentInfo({ schema: asn.result });
  const sd = new pkijs.SignedData({ schema: info.content });
  // As a reader does: the message digest attribute is the SHA-256 of the signed ranges, and the signature over the
  // signed attributes (DER, as a SET) verifies with the certificate's key.
  const si = sd.signerInfos[0]!;
  const signer = sd.certificates?.[0] as pkijs.Certificate | undefined;
  let ok = false;
  if (signer && si.signedAttrs) {
    const digestAttr = si.signedAttrs.attributes.find((x) => x.type === '1.2.840.113549.1.9.4');
    const digest = Buffer.from((digestAttr?.values[0] as asn1js.OctetString).valueBlock.valueHexView);
    const attrs = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
    attrs[0] = 0x31;
    const spki = Buffer.from(signer.subjectPublicKeyInfo.toSchema().toBER(false));
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    ok =
      digest.equals(createHash('sha256').update(signed).digest()) &&
      cryptoVerify('sha256', attrs, key, Buffer.from(si.signature.valueBlock.valueHexView));
  }
  const cert = sd.certificates?.[0] as pkijs.Certificate | undefined;
  const cn = cert?.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  const subFilter = /\/SubFilter\s*\/([\w.]+)/.exec(text)?.[1] ?? '';
  return { ok, signer: cn ? String(cn.value.valueBlock.value) : '', subFilter };
}
