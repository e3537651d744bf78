/**
 * Field schemas shared by the clients and the simulators, so that one wire contract serves both sides.
 * Money is integer fen; dates are 'YYYY-MM-DD' and months 'YYYY-MM', both in Asia/Shanghai.
 */
import { z } from 'zod';
import { isMainlandMobile, isValidResidentIdNumber, isValidUscc } from '../domain/identity';

export const dateSchema = z.iso.date();
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');
export const fenSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const positiveFenSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const divisionCodeSchema = z.string().regex(/^\d{6}$/, 'expected a 6-digit administrative division code');
export const timestampSchema = z.iso.datetime({ offset: true });

/** Strict, for requests: GB 11643 check character and a real birth date. */
export const residentIdNumberSchema = z
  .string()
  .refine(isValidResidentIdNumber, 'expected an 18-character resident identity number (GB 11643)');
/** Strict, for requests: GB 32100 check character. */
export const usccSchema = z.string().refine(isValidUscc, 'expected a unified social credit code (GB 32100)');
export const mobileSchema = z.string().refine(isMainlandMobile, 'expected a mainland mobile number');
export const personNameSchema = z.string().trim().min(1).max(50);

/** Idempotency keys chosen by the caller (payment ID, message ID, letter ID, ...): no personal data in them. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 of [A-Za-z0-9_.:-]');

/** The request body of every lookup of a person: the identity number travels in the body, never in a URL. */
export const personQuerySchema = z.object({ idNumber: residentIdNumberSchema });
export type PersonQuery = z.infer<typeof personQuerySchema>;

/**
 * A comparison list (比对查询, Art. 42: 部级社会保险比对查询系统): up to 500 people at once, answered one result each, in
 * any order. Identity numbers travel in the body.
 */
export const BATCH_QUERY_MAX = 500;
export const batchQuerySchema = z.object({
  idNumbers: z.array(residentIdNumberSchema).min(1).max(BATCH_QUERY_MAX),
});
export type BatchQuery = z.infer<typeof batchQuerySchema>;

/** Error body of the simulators: `{ error: { code, message } }`. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;
