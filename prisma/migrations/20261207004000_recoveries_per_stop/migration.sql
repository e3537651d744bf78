-- Art. 42, 43: the stops of a benefit period are recorded, each with who found it, and a recovery stands on one stop
-- (one per stop, not one per claim). The stops already made come from the periods' timelines (`benefit_stopped`, one
-- per reason and date) and the periods' rows; the recoveries already open take the stop of their period and date.

-- CreateTable
CREATE TABLE "period_stop" (
    "id" VARCHAR(48) NOT NULL,
    "period_id" VARCHAR(64) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "seq" INTEGER NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "found_date" DATE NOT NULL,
    "stop_date" DATE NOT NULL,
    "found_by" VARCHAR(16) NOT NULL,
    "found_ref" VARCHAR(64),
    "found_at" TIMESTAMPTZ(3) NOT NULL,
    "redates" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "period_stop_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "period_stop_period_id_reason_found_date_key" ON "period_stop"("period_id", "reason", "found_date");

-- CreateIndex
CREATE UNIQUE INDEX "period_stop_period_id_seq_key" ON "period_stop"("period_id", "seq");

-- CreateIndex
CREATE INDEX "period_stop_case_number_idx" ON "period_stop"("case_number");

-- A recovery per stop: no longer one per claim.
-- DropIndex
DROP INDEX "recovery_case_number_key";

-- AlterTable
ALTER TABLE "recovery" ADD COLUMN "stop_id" VARCHAR(48);

-- CreateIndex
CREATE INDEX "recovery_case_number_idx" ON "recovery"("case_number");

-- CreateIndex
CREATE UNIQUE INDEX "recovery_stop_id_key" ON "recovery"("stop_id");

-- AddForeignKey
ALTER TABLE "recovery" ADD CONSTRAINT "recovery_stop_id_fkey" FOREIGN KEY ("stop_id") REFERENCES "period_stop"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The stops made so far, numbered per period in the order they were found (who found them was not recorded).
INSERT INTO "period_stop" ("id", "period_id", "case_number", "seq", "reason", "found_date", "stop_date", "found_by", "found_at")
SELECT s."case_number" || '.S' || s."seq", s."period_id", s."case_number", s."seq", s."reason", s."date", s."date",
       'unrecorded', s."at"
  FROM (
    SELECT p."id" AS "period_id", p."case_number", x."reason", x."date", min(x."at") AS "at",
           row_number() OVER (PARTITION BY p."id" ORDER BY min(x."at"), x."date", x."reason") AS "seq"
      FROM "benefit_period" p
      JOIN (
        SELECT e."case_number", e."data"->>'reason' AS "reason", (e."data"->>'date')::date AS "date", e."at"
          FROM "case_event" e
         WHERE e."type" = 'benefit_stopped' AND e."data" ? 'reason' AND e."data" ? 'date'
        UNION ALL
        SELECT bp."case_number", bp."stop_reason", bp."stop_date", bp."updated_at"
          FROM "benefit_period" bp
         WHERE bp."stop_reason" IS NOT NULL AND bp."stop_date" IS NOT NULL
      ) x ON x."case_number" = p."case_number"
     GROUP BY p."id", p."case_number", x."reason", x."date"
  ) s;

-- Each recovery already open stands on the stop of its period with its date (the earliest found, if two reasons share
-- it); one opened by an auditor for a period never stopped keeps no stop.
UPDATE "recovery" r SET "stop_id" = m."stop_id"
  FROM (
    SELECT DISTINCT ON (rr."id") rr."id", ps."id" AS "stop_id"
      FROM "recovery" rr
      JOIN "period_stop" ps ON ps."period_id" = rr."period_id" AND ps."found_date" = rr."stop_date"
     ORDER BY rr."id", ps."seq"
  ) m
 WHERE r."id" = m."id";
