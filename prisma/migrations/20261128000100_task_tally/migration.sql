-- The worklist's counts kept as tasks change (issue 11, measure 3). Counting a city's 200,000 open tasks on every
-- GET /tasks, even from an index alone, takes 27-46 ms per count; this table holds, for open tasks only, how many
-- there are per agency, agency escalated to ('' for none, so that it can be in the primary key), role and type, and
-- how many of them are unassigned and overdue. GET /tasks sums the few rows of the user's scope instead.
-- CreateTable
CREATE TABLE "task_tally" (
    "agency_code" VARCHAR(6) NOT NULL,
    "escalated_to" VARCHAR(6) NOT NULL,
    "role" VARCHAR(24) NOT NULL,
    "type" VARCHAR(48) NOT NULL,
    "open" INTEGER NOT NULL,
    "unassigned" INTEGER NOT NULL,
    "overdue" INTEGER NOT NULL,

    CONSTRAINT "task_tally_pkey" PRIMARY KEY ("agency_code", "escalated_to", "role", "type")
) WITH (fillfactor = 50); -- room on each page for updated row versions (HOT updates: the counts are not indexed)

-- Kept by statement-level triggers on task with transition tables: each INSERT, UPDATE or DELETE adds, per group,
-- the open rows it added minus the open rows it removed, in one upsert. A bulk INSERT ... SELECT of a million tasks is
-- one aggregate, not a million trigger calls; a statement that changes no count (a reminder, a comment's updated_at)
-- writes nothing. Upserts are atomic per row under READ COMMITTED and add deltas, so concurrent transactions never
-- lose one another's; groups are written in key order, so two statements lock the rows they share in the same order.
-- Rows whose counts reach zero stay (a group seen once is likely to come back; nothing deletes under a writer).
CREATE FUNCTION "task_tally_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "task_tally" AS t ("agency_code", "escalated_to", "role", "type", "open", "unassigned", "overdue")
        SELECT "agency_code", coalesce("escalated_to", ''), "role", "type", count(*),
               count(*) FILTER (WHERE "assignee_id" IS NULL), count(*) FILTER (WHERE "overdue_since" IS NOT NULL)
          FROM "task_tally_new" WHERE "status" = 'open'
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "role", "type") DO UPDATE
           SET "open" = t."open" + excluded."open", "unassigned" = t."unassigned" + excluded."unassigned",
               "overdue" = t."overdue" + excluded."overdue";
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO "task_tally" AS t ("agency_code", "escalated_to", "role", "type", "open", "unassigned", "overdue")
        SELECT "agency_code", coalesce("escalated_to", ''), "role", "type", -count(*),
               -count(*) FILTER (WHERE "assignee_id" IS NULL), -count(*) FILTER (WHERE "overdue_since" IS NOT NULL)
          FROM "task_tally_old" WHERE "status" = 'open'
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "role", "type") DO UPDATE
           SET "open" = t."open" + excluded."open", "unassigned" = t."unassigned" + excluded."unassigned",
               "overdue" = t."overdue" + excluded."overdue";
    ELSE
        INSERT INTO "task_tally" AS t ("agency_code", "escalated_to", "role", "type", "open", "unassigned", "overdue")
        SELECT "agency_code", "escalated_to", "role", "type", sum("open"), sum("unassigned"), sum("overdue")
          FROM (SELECT "agency_code", coalesce("escalated_to", '') AS "escalated_to", "role", "type", 1 AS "open",
                       ("assignee_id" IS NULL)::int AS "unassigned", ("overdue_since" IS NOT NULL)::int AS "overdue"
                  FROM "task_tally_new" WHERE "status" = 'open'
                UNION ALL
                SELECT "agency_code", coalesce("escalated_to", ''), "role", "type", -1,
                       -("assignee_id" IS NULL)::int, -("overdue_since" IS NOT NULL)::int
                  FROM "task_tally_old" WHERE "status" = 'open') AS d
         GROUP BY 1, 2, 3, 4
        HAVING sum("open") <> 0 OR sum("unassigned") <> 0 OR sum("overdue") <> 0
         ORDER BY 1, 2, 3, 4
        ON CONFLICT ("agency_code", "escalated_to", "role", "type") DO UPDATE
           SET "open" = t."open" + excluded."open", "unassigned" = t."unassigned" + excluded."unassigned",
               "overdue" = t."overdue" + excluded."overdue";
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION "task_tally_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "task_tally";
    RETURN NULL;
END;
$$;

-- Creating the triggers waits for the transactions writing to task and keeps new ones out until this migration
-- commits, so the tally is counted below from rows no one changes meanwhile.
CREATE TRIGGER "task_tally_insert" AFTER INSERT ON "task" REFERENCING NEW TABLE AS "task_tally_new"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_tally_add"();
CREATE TRIGGER "task_tally_update" AFTER UPDATE ON "task" REFERENCING OLD TABLE AS "task_tally_old" NEW TABLE AS "task_tally_new"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_tally_add"();
CREATE TRIGGER "task_tally_delete" AFTER DELETE ON "task" REFERENCING OLD TABLE AS "task_tally_old"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_tally_add"();
CREATE TRIGGER "task_tally_truncate" AFTER TRUNCATE ON "task"
    FOR EACH STATEMENT EXECUTE FUNCTION "task_tally_reset"();

INSERT INTO "task_tally" ("agency_code", "escalated_to", "role", "type", "open", "unassigned", "overdue")
SELECT "agency_code", coalesce("escalated_to", ''), "role", "type", count(*),
       count(*) FILTER (WHERE "assignee_id" IS NULL), count(*) FILTER (WHERE "overdue_since" IS NOT NULL)
  FROM "task" WHERE "status" = 'open'
 GROUP BY 1, 2, 3, 4;
