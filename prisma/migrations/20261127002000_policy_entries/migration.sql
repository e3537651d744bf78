-- Policy parameter entries administrators add (Art. 12: amounts and standards follow 26号 "and the documents adjusting
-- it"; POLICY.md: an agency corrects or extends the parameters by adding entries with a new effective date). They are
-- merged with the entries of policy/*.json; history is never edited, so the table is append-only.
-- CreateTable
CREATE TABLE "policy_entry" (
    "id" UUID NOT NULL,
    "family" VARCHAR(64) NOT NULL,
    "key" VARCHAR(128) NOT NULL,
    "effective_from" DATE NOT NULL,
    "effective_until" DATE,
    "value" JSONB NOT NULL,
    "source_document" TEXT NOT NULL,
    "source_article" TEXT NOT NULL,
    "source_url" TEXT,
    "confirmed" BOOLEAN NOT NULL,
    "note" TEXT,
    "added_by" VARCHAR(64) NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policy_entry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "policy_entry_until_check" CHECK ("effective_until" IS NULL OR "effective_until" >= "effective_from"),
    CONSTRAINT "policy_entry_source_check" CHECK (length(btrim("source_document")) > 0 AND length(btrim("source_article")) > 0)
);

-- CreateIndex
CREATE UNIQUE INDEX "policy_entry_family_key_effective_from_key" ON "policy_entry"("family", "key", "effective_from");

-- History is never edited: no UPDATE, no DELETE, no TRUNCATE.
CREATE FUNCTION "policy_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'policy_entry is append-only: add an entry with a later effective date';
END;
$$;
CREATE TRIGGER "policy_entry_no_update" BEFORE UPDATE OR DELETE ON "policy_entry"
    FOR EACH ROW EXECUTE FUNCTION "policy_entry_append_only"();
CREATE TRIGGER "policy_entry_no_truncate" BEFORE TRUNCATE ON "policy_entry"
    FOR EACH STATEMENT EXECUTE FUNCTION "policy_entry_append_only"();
