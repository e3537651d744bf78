-- Art. 46, 47: a one-time benefit is granted once per event (a birth: the woman and the day; a death: the deceased).
-- The case that holds the event keeps its key; a case refused, closed, cancelled or withdrawn gives it up when a
-- later claim for the same event is assessed. The unique index is what a race between two assessments meets.
-- AlterTable
ALTER TABLE "other_benefit_claim" ADD COLUMN "event_key" VARCHAR(64);

-- CreateIndex
CREATE UNIQUE INDEX "other_benefit_claim_event_key_key" ON "other_benefit_claim"("event_key");
