-- Staff reduction and the register's daily comparisons (Art. 17, 19, 21, 22, 33): who ended a relation (the employer's
-- declaration, or the shared data), the reduction's idempotency key, what the daily comparison found (each finding once)
-- and the messages the register sent (the claim notice letter to the person, the reminders to the employer).

-- AlterTable
ALTER TABLE "insurance_relation" ADD COLUMN "ended_by" VARCHAR(16),
ADD COLUMN "reduction_key" VARCHAR(64),
ADD CONSTRAINT "insurance_relation_ended_by_check" CHECK ("ended_by" IN ('employer', 'agency', 'pension', 'civil_affairs'));

-- CreateIndex
CREATE UNIQUE INDEX "insurance_relation_reduction_key_key" ON "insurance_relation"("reduction_key");

-- CreateTable
CREATE TABLE "register_finding" (
    "id" VARCHAR(64) NOT NULL,
    "rule" VARCHAR(24) NOT NULL,
    "article" VARCHAR(8) NOT NULL,
    "register_number" VARCHAR(16) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "subject" JSONB NOT NULL,
    "due_on" DATE NOT NULL,
    "found_on" DATE NOT NULL,
    "reminder_id" VARCHAR(96),
    "case_number" VARCHAR(32),
    "resolved_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "register_finding_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "register_finding_rule_check" CHECK ("rule" IN ('unregistered_staff', 'undeclared_change', 'late_reduction'))
);

-- CreateIndex
CREATE INDEX "register_finding_register_number_rule_idx" ON "register_finding"("register_number", "rule");

-- CreateIndex
CREATE INDEX "register_finding_reminder_id_idx" ON "register_finding"("reminder_id");

-- AddForeignKey
ALTER TABLE "register_finding" ADD CONSTRAINT "register_finding_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "register_message" (
    "id" VARCHAR(96) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "register_number" VARCHAR(16) NOT NULL,
    "person_number" VARCHAR(16),
    "relation_id" BIGINT,
    "findings" INTEGER,
    "mobile_masked" VARCHAR(20) NOT NULL,
    "text" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "remind_until" DATE,

    CONSTRAINT "register_message_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "register_message_kind_check" CHECK ("kind" IN ('claim_notice_letter', 'unregistered_staff_reminder', 'undeclared_change_reminder'))
);

-- CreateIndex
CREATE INDEX "register_message_register_number_sent_at_idx" ON "register_message"("register_number", "sent_at");

-- AddForeignKey
ALTER TABLE "register_message" ADD CONSTRAINT "register_message_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;
