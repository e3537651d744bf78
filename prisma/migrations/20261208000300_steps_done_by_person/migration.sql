-- The steps of a case a person has done, found from the person (岗位不相容, Art. 5, 77): the worklist leaves out of
-- 可领取 the tasks whose case the user already did an incompatible step of (api/tasks/worklist-sql.ts). The tasks they
-- completed, and the revocations they proposed (that proposal is the revocation's review step).
CREATE INDEX "task_completed_by_partial" ON "task"("completed_by_id", "case_number") WHERE "status" = 'completed';
CREATE INDEX "determination_revocation_proposed_by_idx" ON "determination_revocation"("proposed_by");
