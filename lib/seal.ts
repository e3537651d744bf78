/**
 * The agency's electronic seal (电子印章, Art. 10): the key and certificate that sign every 权益记录单 as a PDF signature
 * (PAdES, adbe.pkcs7.detached) that any PDF reader verifies.
 *
 * | configuration | seal |
 * | --- | --- |
 * | `SEAL_P12_PATH` (+ `SEAL_P12_PASSWORD`) | the agency's own key and certificate (issued by the national electronic seal system, Art. 10) in a PKCS#12 file |
 * | unset | a development seal: an RSA-2048 key and a self-signed certificate made on the first start and kept in `DATA_DIR/seal/` (readers show the signature intact but the signer not trusted) |
 *
 * The development seal is made once: processes starting together write their own file and keep whichever was linked
 * first, so all of them sign with the same key.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  privateEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';

/** DER of SHA-256's AlgorithmIdentifier and the OCTET STRING header of its digest (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * @signpdf/signer-p12's signature (a detached PKCS#7 with SHA-256, the authenticated attributes in the order EU
 * validators expect: content type, signing time, message digest), with the PKCS#12 opened once: opening it derives
 * its key in JavaScript, which costs more than the signature itself.
 *
 * node-forge builds the CMS structure; the RSA operation is node:crypto's (OpenSSL): forge's JavaScript big-number
 * RSA took tens of milliseconds per document. forge hands the key the digest of the authenticated attributes;
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) is the private-key operation on its DigestInfo with block-type-1 padding, which
 * is what `privateEncrypt` with RSA_PKCS1_PADDING does: the same bytes forge's own `key.sign` makes.
 */
class SealSigner extends Signer {
  private readonly rsa: { sign: (md: forge.md.MessageDigest) => string };

  constructor(
    key: forge.pki.rsa.PrivateKey,
    private readonly certificate: forge.pki.Certificate,
    private readonly chain: forge.pki.Certificate[],
  ) {
    super();
    const native: KeyObject = createPrivateKey(forge.pki.privateKeyToPem(key));
    this.rsa = {
      sign: (md) => {
        const digest = Buffer.from(md.digest().getBytes(), 'binary');
        const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, digest]);
        return privateEncrypt({ key: native, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
      },
    };
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of this.chain) p7.addCertificate(c);
    p7.addSigner({
      // forge calls `key.sign(md)` only (pkcs7.js addSignerInfos): the native key stands in for forge's.
      key: this.rsa as unknown as forge.pki.rsa.PrivateKey,
      certificate: this.certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    const asn1 = p7.toAsn1();
    // forge writes the signer's issuer (issuerAndSerialNumber) by encoding its UTF8String values a second time, so a
    // Chinese name no longer matches the certificate and a reader answers "signer certificate not found" (openssl cms
    // -verify). The issuer is put back as the certificate itself encodes it; the signature covers the signed
    // attributes only, not this field.
    const tbs = (forge.pki.certificateToAsn1(this.certificate).value as forge.asn1.Asn1[])[0]!;
    const fields = tbs.value as forge.asn1.Asn1[];
    const issuer = fields[fields[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 3 : 2]!;
    const signedData = ((asn1.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
    const parts = signedData.value as forge.asn1.Asn1[];
    for (const info of parts[parts.length - 1]!.value as forge.asn1.Asn1[]) {
      ((info.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0] = issuer;
    }
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  }
}

export interface Seal {
  /** PKCS#12 (key and certificate). */
  p12: Buffer;
  passphrase: string;
  /** The certificate's subject common name (the signer a reader shows). */
  signer: string;
  /** Signs a PDF's byte ranges (@signpdf's Signer): the key and certificates opened once, not per document. */
  pdfSigner: Signer;
  /** SHA-256 of the certificate (DER), hex: printed on the document and shown by the verification. */
  certificateFingerprint: string;
  development: boolean;
}

export interface SealConfig {
  /** Where the development seal is kept (DATA_DIR/seal). */
  dir: string;
  p12Path?: string | undefined;
  passphrase?: string | undefined;
}

const DEV_SIGNER = '辽宁省失业保险经办机构电子印章（开发用）';

function describe(p12: Buffer, passphrase: string, development: boolean): Seal {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
  const parsed = forge.pkcs12.pkcs12FromAsn1(asn1, passphrase);
  const certBag = forge.pki.oids.certBag!;
  const keyBag = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const certs = (parsed.getBags({ bagType: certBag })[certBag] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const key = parsed.getBags({ bagType: keyBag })[keyBag]?.[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error('the seal file holds no private key');
  // The certificate of the key (the others are its chain).
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
  });
  if (!own) throw new Error('the seal file holds no certificate of its key');
  const bag = { cert: own };
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes();
  const cn = bag.cert.subject.getField('CN');
  let signer = cn ? String(cn.value) : 'seal';
  try {
    signer = forge.util.decodeUtf8(signer);
  } catch {
    /* already text */
  }
  return {
    p12,
    passphrase,
    signer,
    pdfSigner: new SealSigner(key, own, certs),
    certificateFingerprint: createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex'),
    development,
  };
}

/** A new self-signed development seal (PKCS#12 bytes). */
export function makeDevelopmentSeal(passphrase: string, now = new Date()): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  // forge encodes a UTF8String's value itself.
  const utf8 = (v: string) => ({ value: v, valueTagClass: forge.asn1.Type.UTF8 });
  const attrs = [
    { shortName: 'CN', ...utf8(DEV_SIGNER) },
    { shortName: 'O', ...utf8('辽宁省失业保险经办机构') },
    { shortName: 'C', value: 'CN' },
  ] as forge.pki.CertificateField[];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'extKeyUsage', emailProtection: true },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: '3des', friendlyName: 'seal' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/** The seal configured, else the development seal kept in `dir` (made on first use). */
export function loadSeal(config: SealConfig): Seal {
  if (config.p12Path) return describe(readFileSync(config.p12Path), config.passphrase ?? '', false);
  const file = join(config.dir, 'dev-seal.p12');
  const passFile = join(config.dir, 'dev-seal.pass');
  if (!existsSync(file)) {
    mkdirSync(config.dir, { recursive: true, mode: 0o700 });
    const passphrase = randomBytes(18).toString('base64url');
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(`${tmp}.pass`, passphrase, { mode: 0o600 });
    writeFileSync(tmp, makeDevelopmentSeal(passphrase), { mode: 0o600 });
    try {
      // The passphrase first: whoever links the key has its passphrase there already.
      linkSync(`${tmp}.pass`, passFile);
      linkSync(tmp, file);
    } catch {
      /* another process made it first: use theirs */
    } finally {
      unlinkSync(tmp);
      unlinkSync(`${tmp}.pass`);
    }
  }
  return describe(readFileSync(file), readFileSync(passFile, 'utf8'), true);
}
