-- Art. 49: a refund case that ended without a refund (refused, or withdrawn after the notice) no longer holds the
-- employer's year: a later rightful application or the next 免申即享 screening opens a case of its own. One open or
-- granted case per employer and year stays the rule (not compared with the Prisma schema: *_partial).
-- AlterTable
ALTER TABLE "job_retention_case" ADD COLUMN "outcome" VARCHAR(16);
ALTER TABLE "job_retention_case" ADD CONSTRAINT "job_retention_case_outcome_check"
    CHECK ("outcome" IS NULL OR "outcome" IN ('refused', 'withdrawn'));
UPDATE "job_retention_case" j SET "outcome" = c."status"
  FROM "case" c
 WHERE c."case_number" = j."case_number" AND c."status" IN ('refused', 'withdrawn');

-- DropIndex
DROP INDEX "job_retention_case_uscc_year_key";

-- CreateIndex
CREATE INDEX "job_retention_case_uscc_year_idx" ON "job_retention_case"("uscc", "year");
CREATE UNIQUE INDEX "job_retention_once_partial" ON "job_retention_case"("uscc", "year") WHERE "outcome" IS NULL;

-- Art. 50: the person's insured employer and its agency (参保地) as the tax platform had them at the review; the
-- notice names this employer (职工所在企业), whatever the application declared.
-- AlterTable
ALTER TABLE "skill_subsidy_claim" ADD COLUMN "insured_employer_uscc" VARCHAR(18),
ADD COLUMN "insured_employer_name" TEXT,
ADD COLUMN "insured_agency_code" VARCHAR(6);
