-- The provisional working-day calendar (issue 19, item 11): a due date counted into a year whose State Council notice is
-- not entered yet is marked provisional (暂定) on the task and the objection, and every such deadline of a running case
-- is listed, so that entering the notice reaches the cases that must recompute (workflows/calendar-year.ts).
-- AlterTable
ALTER TABLE "task" ADD COLUMN "due_provisional" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "objection" ADD COLUMN "due_provisional" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "provisional_deadline" (
    "workflow_id" VARCHAR(64) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "binds" VARCHAR(8) NOT NULL,
    "year" INTEGER NOT NULL,
    "due_date" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "recomputed_at" TIMESTAMPTZ(3),
    "recomputed_due_date" DATE,

    CONSTRAINT "provisional_deadline_pkey" PRIMARY KEY ("workflow_id","name")
);

-- The cases to signal when a year's notice is entered.
-- CreateIndex
CREATE INDEX "provisional_deadline_year_recomputed_at_workflow_id_idx" ON "provisional_deadline"("year", "recomputed_at", "workflow_id");
