-- The supervisor's stuck view at province scale (issue 24): GET /supervision/stuck counted its overdue tasks on demand
-- (150,000 of a city's 200,000 open tasks: 210-290 ms from the heap) and tested every idle case's age on the calendar
-- in JavaScript (5,000 cases: 220-280 ms).
--
-- Overdue tasks: this table holds how many open tasks there are per agency, agency escalated to ('' for none), case
-- type and due instant. "Overdue" depends on the clock (due_at < now), so the instant is part of the key and the view
-- sums the rows due before the moment it asks: a task is counted the instant it falls due, with nothing to refresh.
-- Due instants are deadlines (the start of a business day in Asia/Shanghai, domain/calendar.ts deadlineInstant), so
-- an agency has a row per case type and due day. Kept as task_tally is (20261128000100_task_tally): statement-level
-- triggers with transition tables, one upsert of deltas per statement, groups written in key order; a row whose count
-- reaches zero is deleted by the statement that emptied it (it holds the row's lock already; a concurrent upsert of
-- the same key waits and then inserts it again), so days long past leave nothing behind.
-- CreateTable
CREATE TABLE "task_due_tally" (
    "agency_code" VARCHAR(6) NOT NULL,
    "escalated_to" VARCHAR(6) NOT NULL,
    "case_type" VARCHAR(32) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "open" INTEGER NOT NULL,

    CONSTRAINT "task_due_tally_pkey" PRIMARY KEY ("agency_code", "escalated_to", "case_type", "due_at")
) WITH (fillfactor = 50);

-- The escalated part of a scope (escalated_to LIKE 'prefix%'), by its own index.
CREATE INDEX "task_due_tally_escalated_partial" ON "task_due_tally"("escalated_to", "due_at") WHERE "escalated_to" <> '';

CREATE FUNCTION "task_due_tally_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "task_due_tally" AS t ("agency_code", "escalated_to", "case_type", "due_at", "open")
        SELECT "agency_code", coalesce("escalated_to", ''), "case_type", "due_at", count(*)
          FROM "task_due_tally_new" WHERE "status" = 'open'
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "case_type", "due_at") DO UPDATE SET "open" = t."open" + excluded."open";
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO "task_due_tally" AS t ("agency_code", "escalated_to", "case_type", "due_at", "open")
        SELECT "agency_code", coalesce("escalated_to", ''), "case_type", "due_at", -count(*)
          FROM "task_due_tally_old" WHERE "status" = 'open'
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "case_type", "due_at") DO UPDATE SET "open" = t."open" + excluded."open";
    ELSE
        INSERT INTO "task_due_tally" AS t ("agency_code", "escalated_to", "case_type", "due_at", "open")
        SELECT "agency_code", "escalated_to", "case_type", "due_at", sum("open")
          FROM (SELECT "agency_code", coalesce("escalated_to", '') AS "escalated_to", "case_type", "due_at", 1 AS "open"
                  FROM "task_due_tally_new" WHERE "status" = 'open'
                UNION ALL
                SELECT "agency_code", coalesce("escalated_to", ''), "case_type", "due_at", -1
                  FROM "task_due_tally_old" WHERE "status" = 'open') AS d
         GROUP BY 1, 2, 3, 4
        HAVING sum("open") <> 0
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "case_type", "due_at") DO UPDATE SET "open" = t."open" + excluded."open";
    END IF;
    -- Only a group that lost open tasks can reach zero: those of the old rows, which the upsert above has locked.
    DELETE FROM "task_due_tally" t
     USING (SELECT DISTINCT "agency_code", coalesce("escalated_to", '') AS "escalated_to", "case_type", "due_at"
              FROM "task_due_tally_old" WHERE "status" = 'open') AS k
     WHERE t."open" = 0 AND t."agency_code" = k."agency_code" AND t."escalated_to" = k."escalated_to"
       AND t."case_type" = k."case_type" AND t."due_at" = k."due_at";
    RETURN NULL;
END;
$$;

CREATE FUNCTION "task_due_tally_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "task_due_tally";
    RETURN NULL;
END;
$$;

-- Creating the triggers waits for the transactions writing to task and keeps new ones out until this migration
-- commits, so the tally is counted below from rows no one changes meanwhile.
CREATE TRIGGER "task_due_tally_insert" AFTER INSERT ON "task" REFERENCING NEW TABLE AS "task_due_tally_new"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_due_tally_add"();
CREATE TRIGGER "task_due_tally_update" AFTER UPDATE ON "task" REFERENCING OLD TABLE AS "task_due_tally_old" NEW TABLE AS "task_due_tally_new"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_due_tally_add"();
CREATE TRIGGER "task_due_tally_delete" AFTER DELETE ON "task" REFERENCING OLD TABLE AS "task_due_tally_old"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_due_tally_add"();
CREATE TRIGGER "task_due_tally_truncate" AFTER TRUNCATE ON "task"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_due_tally_reset"();

INSERT INTO "task_due_tally" ("agency_code", "escalated_to", "case_type", "due_at", "open")
SELECT "agency_code", coalesce("escalated_to", ''), "case_type", "due_at", count(*)
  FROM "task" WHERE "status" = 'open'
 GROUP BY 1, 2, 3, 4;

-- Idle cases (no event for some workdays): the view now counts them in SQL up to an instant computed once from the
-- calendar, and reads the longest idle first; this index answers both (the count and the page) for an agency's scope from the index alone.
-- Its predicate is the view's list of final statuses (api/supervision/router.ts FINAL), written the same way there.
CREATE INDEX "case_idle_partial" ON "case"("agency_code", "updated_at", "case_number") INCLUDE ("case_type", "workflow_id", "status")
    WHERE "status" NOT IN ('approved', 'refused', 'closed', 'cancelled', 'completed', 'paid', 'stopped');
