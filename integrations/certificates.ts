/**
 * National vocational-certificate registry (国家职业资格证书网): a person's certificates, checked for the
 * skill-upgrade subsidy (Art. 50: occupation name, level, issue date).
 */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { dateSchema } from './schemas';

export const certificateLevelSchema = z.enum(['junior', 'intermediate', 'senior']);
export type CertificateLevel = z.infer<typeof certificateLevelSchema>;

export const certificateSchema = z.object({
  certificateNumber: z.string(),
  occupationName: z.string(),
  level: certificateLevelSchema,
  issueDate: dateSchema,
});
export type Certificate = z.infer<typeof certificateSchema>;

export const certificatesSchema = z.object({ certificates: z.array(certificateSchema) });
export type Certificates = z.infer<typeof certificatesSchema>;

export class CertificatesClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 50: the person's vocational certificates (none: an empty list). */
  getCertificates(idNumber: string, options?: CallOptions): Promise<Certificates> {
    return this.http.call({
      operation: 'getCertificates',
      method: 'POST',
      path: '/certificates/query',
      body: { idNumber },
      response: certificatesSchema,
      options,
    });
  }
}
