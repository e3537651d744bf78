-- Failing activities, for the supervisors' stuck view (Art. 78; issue 11, measure 5): see prisma/schema/tasks.prisma.
CREATE TABLE "activity_problem" (
    "workflow_id" VARCHAR(64) NOT NULL,
    "activity_id" VARCHAR(64) NOT NULL,
    "activity_type" VARCHAR(64) NOT NULL,
    "attempt" INTEGER NOT NULL,
    "last_failure" VARCHAR(500) NOT NULL,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activity_problem_pkey" PRIMARY KEY ("workflow_id","activity_id")
);

CREATE INDEX "activity_problem_attempt_idx" ON "activity_problem"("attempt");
