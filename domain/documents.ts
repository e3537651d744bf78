/**
 * Documents (业务材料): the files supplied for the materials a case asks for. Pure rules, no I/O.
 *
 *   Art. 14  the agency keeps the materials; a copy of an original carries the clerk's 与原件核对无误 mark
 *   Art. 84  paper materials are electronised as the case is handled: a material is supplied as its scan or photo
 *   Art. 85  a document already held for the same person, of the same kind and still valid, is not asked for again
 */
import { addMonthsToMonth, type IsoDate } from './calendar';

/** The material kinds the steps ask for, with the 规程's words and the article that asks. */
export const DOCUMENT_KINDS = {
  // The benefit claim (Art. 35, 37).
  identity_verification: { label: '本人有效身份证件（经办窗口核验）', article: 'Art. 35' },
  hukou_certificate: { label: '户籍所在地证明材料', article: 'Art. 35' },
  // 个人缴费记录修改 (Art. 28): with the identity above, what the window checks.
  labour_contract: { label: '劳动合同（聘用合同）', article: 'Art. 28' },
  contribution_proof: { label: '原已缴纳失业保险费的有效资料', article: 'Art. 28' },
  // 医疗补助金 (Art. 46).
  birthRegistration: { label: '生育登记单', article: 'Art. 46' },
  medicalBirthCertificate: { label: '医学出生证明', article: 'Art. 46' },
  hospitalBills: { label: '住院费用票据', article: 'Art. 46' },
  // 丧葬补助金和抚恤金 (Art. 47).
  survivorIdentity: { label: '遗属身份证件', article: 'Art. 47' },
  deathCertificate: { label: '失业人员死亡证明', article: 'Art. 47' },
  relationshipProof: { label: '遗属与失业人员关系证明', article: 'Art. 47' },
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const DOCUMENT_KIND_NAMES = Object.keys(DOCUMENT_KINDS) as [DocumentKind, ...DocumentKind[]];

/** The kinds each case type may ask for (a document of another kind has nothing to answer there). */
export const KINDS_BY_CASE_TYPE: Record<string, readonly DocumentKind[]> = {
  // A claim's person may have a month of the record corrected (Art. 28): its evidence is held with the claim.
  benefit_claim: ['identity_verification', 'hukou_certificate', 'labour_contract', 'contribution_proof'],
  childbirth_subsidy: ['birthRegistration', 'medicalBirthCertificate', 'hospitalBills'],
  survivor_benefits: ['survivorIdentity', 'deathCertificate', 'relationshipProof'],
};

/** Scans and photos (Art. 84): the media types taken, recognised by content, never by the file's name. */
export const DOCUMENT_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentMediaType = (typeof DOCUMENT_MEDIA_TYPES)[number];

export const isDocumentMediaType = (m: string | undefined): m is DocumentMediaType =>
  (DOCUMENT_MEDIA_TYPES as readonly string[]).includes(m ?? '');

/** A document held for a person (the facts Art. 85 looks at). */
export interface HeldDocument {
  id: string;
  kind: string;
  caseNumber: string;
  /** The Shanghai date a step took it (存档); a document never taken is not held. */
  usedOn: IsoDate | null;
}

/**
 * Art. 85: the document that answers `kind` for `caseNumber` without asking again: one of the person's documents of
 * that kind that a step took, on or after `today` minus `validityMonths` (0: only its own case; null: no expiry).
 * The most recently taken wins. Undefined when none is valid or the kind has no validity in force (asked again).
 */
export function heldDocumentFor(
  kind: string,
  caseNumber: string,
  documents: readonly HeldDocument[],
  validityMonths: number | null | undefined,
  today: IsoDate,
): HeldDocument | undefined {
  if (validityMonths === undefined) return undefined;
  const valid = documents.filter((d) => {
    if (d.kind !== kind || !d.usedOn) return false;
    if (validityMonths === null) return true;
    if (validityMonths === 0) return d.caseNumber === caseNumber;
    return addMonths(d.usedOn, validityMonths) >= today;
  });
  return valid.sort((a, b) => (a.usedOn! < b.usedOn! ? 1 : -1))[0];
}

/** The same day `n` months later (the month's last day when it has no such day). */
function addMonths(date: IsoDate, n: number): IsoDate {
  const month = addMonthsToMonth(date.slice(0, 7), n);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), last);
  return `${month}-${String(day).padStart(2, '0')}`;
}
