-- CreateTable
CREATE TABLE "task" (
    "id" UUID NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "workflow_id" VARCHAR(64) NOT NULL,
    "case_type" VARCHAR(32) NOT NULL,
    "type" VARCHAR(48) NOT NULL,
    "form" VARCHAR(32) NOT NULL,
    "step" VARCHAR(24) NOT NULL,
    "role" VARCHAR(24) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "escalated_to" VARCHAR(6),
    "status" VARCHAR(16) NOT NULL,
    "assignee_id" UUID,
    "assignee_name" VARCHAR(64),
    "due_date" DATE NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "overdue_since" TIMESTAMPTZ(3),
    "reminders" INTEGER NOT NULL DEFAULT 0,
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "completed_by_id" UUID,
    "completed_by_name" VARCHAR(64),
    "decision" JSONB,

    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_comment" (
    "id" BIGSERIAL NOT NULL,
    "task_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "author_id" UUID NOT NULL,
    "author_name" VARCHAR(64) NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "task_comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" BIGSERIAL NOT NULL,
    "event_key" VARCHAR(128) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "role" VARCHAR(24),
    "user_id" UUID,
    "kind" VARCHAR(32) NOT NULL,
    "task_id" UUID,
    "case_number" VARCHAR(32),
    "message" TEXT NOT NULL,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_agency_code_status_due_at_id_idx" ON "task"("agency_code", "status", "due_at", "id");

-- CreateIndex
CREATE INDEX "task_escalated_to_status_due_at_id_idx" ON "task"("escalated_to", "status", "due_at", "id");

-- CreateIndex
CREATE INDEX "task_assignee_id_status_due_at_id_idx" ON "task"("assignee_id", "status", "due_at", "id");

-- CreateIndex
CREATE INDEX "task_case_number_idx" ON "task"("case_number");

-- CreateIndex
CREATE INDEX "task_comment_task_id_at_idx" ON "task_comment"("task_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_event_key_key" ON "notification"("event_key");

-- CreateIndex
CREATE INDEX "notification_agency_code_role_at_idx" ON "notification"("agency_code", "role", "at");

-- CreateIndex
CREATE INDEX "notification_user_id_at_idx" ON "notification"("user_id", "at");

-- AddForeignKey
ALTER TABLE "task_comment" ADD CONSTRAINT "task_comment_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
