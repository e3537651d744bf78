/**
 * The rules of input that JSON Schema cannot state (a check character, a name that is a name), named in the OpenAPI
 * document as a custom `format` (issue 21: the document says what is enforced). Each format is the rule of a function
 * in domain/identity.ts or domain/plausibility.ts, which the API's zod schemas apply; a value outside it is answered
 * 400 naming the field and the rule (issue 21 item 7). test/integration/schemathesis_hooks.py generates values of
 * each for the OpenAPI fuzzer.
 */
import { CHINESE_PASSPORT, IDENTITY_DOCUMENT_KINDS, type IdentityDocumentKind } from '../domain/identity';

export const FORMAT = {
  /** An 18-character GB 11643 number: 17 digits, a real birth date, the check character (isValidResidentIdNumber). */
  gb11643: 'gb11643-id',
  /** A GB 11643 number of the mainland (address code 1-8, not 81/82/83): 居民身份证, 社会保障卡. */
  mainlandId: 'gb11643-mainland-id',
  /** A GB 11643 number with address code 810000, 820000 or 830000: 港澳台居民居住证. */
  hmtPermit: 'gb11643-hmt-permit',
  /** 外国人永久居留身份证: 2017 version (3 letters, 12 digits) or 2023 version (GB 11643 form starting with 9). */
  foreignPermanentResidence: 'foreign-permanent-residence-id',
  /** A unified social credit code with its GB 32100 check character (isValidUscc). */
  uscc: 'gb32100-uscc',
  /** A social security card number: 62, 16 to 19 digits, the Luhn check digit (socialSecurityCardNumberProblem). */
  unionpayCard: 'unionpay-card',
  /** A person's name: letters and the middle dot of minority names, no digits, symbols or markup (personNameProblem). */
  personName: 'person-name',
  /** An organisation's name: a letter at least, no markup or control characters (organisationNameProblem). */
  organisationName: 'organisation-name',
} as const;

/** What the idNumber of each Art. 96 document kind must be (domain/identity.ts validateIdentityDocument). */
const ID_NUMBER_RULE: Record<IdentityDocumentKind, Record<string, string>> = {
  resident_id_card: { format: FORMAT.mainlandId },
  social_security_card: { format: FORMAT.mainlandId },
  hk_macao_taiwan_residence_permit: { format: FORMAT.hmtPermit },
  foreign_permanent_residence_id: { format: FORMAT.foreignPermanentResidence },
  chinese_passport: { pattern: CHINESE_PASSPORT.source },
  foreign_passport: { pattern: '^[A-Z0-9]{5,17}$' },
};

/**
 * The JSON Schema of an object with `idType` and `idNumber` (Art. 96): one variant per document kind, its number's
 * format or pattern. Put on the object with `.meta(...)`; the object's superRefine enforces the same.
 */
export const ID_DOCUMENT_VARIANTS = {
  oneOf: IDENTITY_DOCUMENT_KINDS.map((kind) => ({
    properties: { idType: { const: kind }, idNumber: { type: 'string', ...ID_NUMBER_RULE[kind] } },
  })),
};
