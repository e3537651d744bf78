-- Art. 46, 47: a one-time benefit is granted once per event (a birth: the woman and the day; a death: the deceased).
-- The case that holds the event keeps its key; a case refused, closed, cancelled or withdrawn gives it up when a
-- later claim for the same event is assessed. The unique index is what a race between two assessments meets.
-- AlterTable
ALTER TABLE "other_benefit_claim" ADD COLUMN "event_key" VARCHAR(64);

-- CreateIndex
CREATE UNIQUE INDEX "other_benefit_claim_event_key_key" ON "other_benefit_claim"("event_key");

-- The cases already live (not refused, closed, cancelled or withdrawn) take their event, the earliest application of
-- each event first (activities/other-benefits.ts oneTimeEventKey: SHA-256 of "birth\n<ID>\n<date>" or "death\n<ID>",
-- the ID of the beneficiary whose period it is: the woman, the deceased).
UPDATE "other_benefit_claim" o SET "event_key" = k."event_key"
  FROM (
    SELECT DISTINCT ON (x."event_key") x."case_number", x."event_key"
      FROM (
        SELECT ob."case_number", ob."submitted_at",
               encode(sha256(convert_to(
                 CASE WHEN ob."kind" = 'childbirth_subsidy'
                      THEN 'birth' || E'\n' || upper(btrim(bc."id_number")) || E'\n' || to_char(ob."event_date", 'YYYY-MM-DD')
                      ELSE 'death' || E'\n' || upper(btrim(bc."id_number")) END, 'UTF8')), 'hex') AS "event_key"
          FROM "other_benefit_claim" ob
          JOIN "benefit_claim" bc ON bc."case_number" = ob."benefit_case_number"
          JOIN "case" c ON c."case_number" = ob."case_number"
         WHERE c."status" NOT IN ('refused', 'closed', 'cancelled', 'withdrawn')
      ) x
     ORDER BY x."event_key", x."submitted_at", x."case_number"
  ) k
 WHERE o."case_number" = k."case_number";
