-- The worklist at a province's scale (issue 11, measure 3): open tasks are a small part of the table and every list
-- and count a clerk sees is about them. Partial indexes on open tasks only (Prisma cannot model them: named *_partial,
-- not compared by test/integration/schema.test.ts).
--   a page of open tasks in due order (GET /tasks): walk the open tasks by due time, filter by scope and role
CREATE INDEX "task_open_due_partial" ON "task"("due_at", "id") WHERE "status" = 'open';
--   the counts beside it, by the agency's scope and the roles, read from the index alone
CREATE INDEX "task_open_unassigned_partial" ON "task"("agency_code", "role") WHERE "status" = 'open' AND "assignee_id" IS NULL;
CREATE INDEX "task_open_overdue_partial" ON "task"("agency_code", "role") WHERE "status" = 'open' AND "overdue_since" IS NOT NULL;
--   tasks moved up to the province (Art. 78): by the agency they were escalated to
CREATE INDEX "task_open_escalated_partial" ON "task"("escalated_to", "agency_code", "role", "assignee_id", "overdue_since")
  WHERE "status" = 'open' AND "escalated_to" IS NOT NULL;
