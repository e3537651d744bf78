-- One verdict per determination version (Art. 34-38, 41; issue 18). Each version records the facts it was computed
-- from (what every source said and what the applicant declared), the case's own inputs (materials, waivers, rulings,
-- corrections), the verdict (eligible, ineligible with every reason, pending with the open questions), the conflicts
-- between declaration and record, and the review route (Art. 11: which rule let it pass without review). Only an
-- eligible, unrevoked version can approve a claim or open a benefit period: the triggers below make any other state
-- impossible in the read model, whatever the code does.

-- AlterTable
ALTER TABLE "determination" ADD COLUMN "verdict" VARCHAR(12) NOT NULL DEFAULT 'eligible',
ADD COLUMN "facts" JSONB,
ADD COLUMN "inputs" JSONB,
ADD COLUMN "reasons" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "open_questions" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "conflicts" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "review_route" JSONB,
ADD COLUMN "manual_correction" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "content_hash" VARCHAR(64),
ADD COLUMN "revoked_at" TIMESTAMPTZ(3),
ADD COLUMN "revoked_by" VARCHAR(64),
ADD COLUMN "revocation_number" VARCHAR(32),
ALTER COLUMN "months" DROP NOT NULL,
ALTER COLUMN "monthly_amount_fen" DROP NOT NULL,
ALTER COLUMN "total_fen" DROP NOT NULL,
ALTER COLUMN "start_date" DROP NOT NULL,
ALTER COLUMN "end_date" DROP NOT NULL;
ALTER TABLE "determination" ALTER COLUMN "verdict" DROP DEFAULT;

ALTER TABLE "determination" ADD CONSTRAINT "determination_verdict_check"
  CHECK ("verdict" IN ('eligible', 'ineligible', 'pending'));
-- Figures exactly when eligible; every ineligible version names its reasons (Art. 11); a pending one its questions.
ALTER TABLE "determination" ADD CONSTRAINT "determination_figures_iff_eligible" CHECK (
  ("verdict" = 'eligible') = ("months" IS NOT NULL AND "monthly_amount_fen" IS NOT NULL AND "total_fen" IS NOT NULL
                              AND "start_date" IS NOT NULL AND "end_date" IS NOT NULL));
ALTER TABLE "determination" ADD CONSTRAINT "determination_ineligible_has_reasons"
  CHECK ("verdict" <> 'ineligible' OR jsonb_array_length("reasons") > 0);
ALTER TABLE "determination" ADD CONSTRAINT "determination_pending_has_questions"
  CHECK ("verdict" <> 'pending' OR jsonb_array_length("open_questions") > 0);
ALTER TABLE "determination" ADD CONSTRAINT "determination_revoked_only_eligible"
  CHECK ("revoked_at" IS NULL OR "verdict" = 'eligible');

-- Art. 38: the version a benefit period pays; Art. 36: the fingerprint of the submission that opened the claim (a
-- retried Idempotency-Key with the same body is answered with its case, whatever the case's status).
-- AlterTable
ALTER TABLE "benefit_period" ADD COLUMN "determination_version" INTEGER;
ALTER TABLE "benefit_claim" ADD COLUMN "submission_fingerprint" VARCHAR(64),
ADD COLUMN "idempotency_key_hash" VARCHAR(64);
-- CreateIndex
CREATE UNIQUE INDEX "benefit_claim_idempotency_key_hash_key" ON "benefit_claim"("idempotency_key_hash");

-- A benefit period pays only an eligible, unrevoked determination of its own claim.
CREATE FUNCTION "benefit_period_needs_eligible_verdict"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."determination_version" IS NULL OR NOT EXISTS (
    SELECT 1 FROM "determination" d
    WHERE d."case_number" = NEW."case_number" AND d."version" = NEW."determination_version"
      AND d."verdict" = 'eligible' AND d."revoked_at" IS NULL) THEN
    RAISE EXCEPTION 'benefit period % needs an eligible, unrevoked determination of case % (Art. 38)',
      NEW."id", NEW."case_number" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "benefit_period_needs_eligible_verdict" BEFORE INSERT ON "benefit_period"
  FOR EACH ROW EXECUTE FUNCTION "benefit_period_needs_eligible_verdict"();

-- A claim is approved only on its latest determination, when that one is eligible and unrevoked (Art. 11, 38).
CREATE FUNCTION "claim_approved_needs_eligible_verdict"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."case_type" = 'benefit_claim' AND NEW."status" = 'approved'
     AND (TG_OP = 'INSERT' OR OLD."status" IS DISTINCT FROM 'approved') AND NOT EXISTS (
    SELECT 1 FROM "determination" d
    WHERE d."case_number" = NEW."case_number" AND d."verdict" = 'eligible' AND d."revoked_at" IS NULL
      AND d."version" = (SELECT max(v."version") FROM "determination" v WHERE v."case_number" = NEW."case_number")) THEN
    RAISE EXCEPTION 'claim % cannot be approved: its latest determination is not eligible (Art. 38)', NEW."case_number"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "claim_approved_needs_eligible_verdict" BEFORE INSERT OR UPDATE OF "status" ON "case"
  FOR EACH ROW EXECUTE FUNCTION "claim_approved_needs_eligible_verdict"();

-- Supervisors list the decisions taken without a person (Art. 11 免复审).
-- CreateIndex
CREATE INDEX "determination_determined_on_idx" ON "determination"("determined_on");

-- 撤销核定 (Art. 42, 43): a determination found wrong after approval, proposed by one person and decided by another.
-- CreateTable
CREATE TABLE "determination_revocation" (
    "case_number" VARCHAR(32) NOT NULL,
    "claim_case_number" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "version" INTEGER NOT NULL,
    "grounds" VARCHAR(24) NOT NULL,
    "reference" VARCHAR(200) NOT NULL,
    "reasons" JSONB NOT NULL,
    "effective_from" DATE NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "proposed_by" VARCHAR(64) NOT NULL,
    "proposed_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by" VARCHAR(64),
    "decided_at" TIMESTAMPTZ(3),
    "decision_reasons" JSONB,

    CONSTRAINT "determination_revocation_pkey" PRIMARY KEY ("case_number")
);

-- CreateIndex
CREATE INDEX "determination_revocation_claim_case_number_idx" ON "determination_revocation"("claim_case_number");

