-- Art. 23: the register's registrations, changes and ends told to the tax platform as they happen, through a
-- transactional outbox. Every write of the register (an employer's registration, change, deregistration; a person's
-- registration, change, suspension, termination) appends its history row (employer_change, person_change) in its own
-- transaction; the triggers below append the outbox row in that same statement, so no writer can forget it and no
-- change is told that was rolled back. The `taxRegisterPush` workflow delivers the rows in id order, once per id.
CREATE TABLE "tax_register_message" (
    "id" BIGSERIAL NOT NULL,
    "subject" VARCHAR(16) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "register_number" VARCHAR(16),
    "person_number" VARCHAR(16),
    "employer_change_id" BIGINT,
    "person_change_id" BIGINT,
    "relation_id" BIGINT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(200),
    "delivered_at" TIMESTAMPTZ(3),
    "duplicate" BOOLEAN,

    CONSTRAINT "tax_register_message_pkey" PRIMARY KEY ("id")
);

-- The undelivered rows in order: what the push reads first.
CREATE INDEX "tax_register_message_undelivered_partial" ON "tax_register_message"("id") WHERE "delivered_at" IS NULL;

-- Art. 16-18: an employer's registration, change and deregistration (not its coordination with pension insurance).
CREATE FUNCTION "employer_change_to_tax"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind IN ('registered', 'changed', 'deregistered') THEN
        INSERT INTO "tax_register_message" ("subject", "kind", "register_number", "employer_change_id", "occurred_at")
        VALUES ('employer', 'employer.' || NEW.kind, NEW.register_number, NEW.id, NEW.at);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER "employer_change_outbox" AFTER INSERT ON "employer_change"
    FOR EACH ROW EXECUTE FUNCTION "employer_change_to_tax"();

-- Art. 19-22, 18: a person's registration (resumed, moved in), change, and the end of a relation with an employer
-- (relation.suspended / terminated / cancelled) or of the insurance itself (person.terminated).
CREATE FUNCTION "person_change_to_tax"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    subject TEXT := CASE WHEN NEW.relation_id IS NOT NULL AND NEW.kind IN ('suspended', 'terminated', 'cancelled')
                         THEN 'relation' ELSE 'person' END;
BEGIN
    INSERT INTO "tax_register_message" ("subject", "kind", "person_number", "person_change_id", "relation_id",
                                        "occurred_at")
    VALUES (subject, subject || '.' || NEW.kind, NEW.person_number, NEW.id, NEW.relation_id, NEW.at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER "person_change_outbox" AFTER INSERT ON "person_change"
    FOR EACH ROW EXECUTE FUNCTION "person_change_to_tax"();

-- The changes made before the outbox existed are told too, in the order they happened (employers first at a tie, as
-- an employer's registration comes before its staff's).
INSERT INTO "tax_register_message" ("subject", "kind", "register_number", "person_number", "employer_change_id",
                                    "person_change_id", "relation_id", "occurred_at")
SELECT subject, kind, register_number, person_number, employer_change_id, person_change_id, relation_id, at
  FROM (
    SELECT 'employer' AS subject, 'employer.' || kind AS kind, register_number, NULL::varchar AS person_number,
           id AS employer_change_id, NULL::bigint AS person_change_id, NULL::bigint AS relation_id, at, 0 AS side, id
      FROM "employer_change" WHERE kind IN ('registered', 'changed', 'deregistered')
    UNION ALL
    SELECT s.subject, s.subject || '.' || kind, NULL, person_number, NULL, id, relation_id, at, 1, id
      FROM "person_change",
           LATERAL (SELECT CASE WHEN relation_id IS NOT NULL AND kind IN ('suspended', 'terminated', 'cancelled')
                                THEN 'relation' ELSE 'person' END AS subject) s
  ) changes
 ORDER BY at, side, id;
