-- The register of insured persons (个人参保登记, Art. 19-22): the items of Art. 19, the person's insured relations
-- per employer with their status (参保 / 暂停 / 终止 / 注销), the separation the employer declared at staff reduction
-- (Art. 21, read first by claims, Art. 38), and an append-only change history.

-- CreateTable
CREATE TABLE "insured_person" (
    "person_number" VARCHAR(16) NOT NULL,
    "id_type" VARCHAR(24) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "sex" VARCHAR(6) NOT NULL,
    "birth_date" DATE NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "hukou_division" VARCHAR(6) NOT NULL,
    "hukou_address" VARCHAR(200) NOT NULL,
    "residence" VARCHAR(200) NOT NULL,
    "insured_since" DATE NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "terminated_on" DATE,
    "termination_reason" VARCHAR(16),
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insured_person_pkey" PRIMARY KEY ("person_number"),
    CONSTRAINT "insured_person_sex_check" CHECK ("sex" IN ('male', 'female')),
    CONSTRAINT "insured_person_status_check" CHECK ("status" IN ('insured', 'suspended', 'terminated')),
    CONSTRAINT "insured_person_termination_check" CHECK (("status" = 'terminated') = ("terminated_on" IS NOT NULL AND "termination_reason" IS NOT NULL)),
    CONSTRAINT "insured_person_termination_reason_check" CHECK ("termination_reason" IN ('retirement', 'emigration', 'death'))
);

-- CreateIndex
CREATE UNIQUE INDEX "insured_person_id_number_key" ON "insured_person"("id_number");

-- CreateIndex
CREATE INDEX "insured_person_agency_code_idx" ON "insured_person"("agency_code");

-- The personal numbers (个人编号): the agency's code and a serial of the province.
CREATE SEQUENCE "insured_person_serial" AS BIGINT START 1;

-- CreateTable
CREATE TABLE "insurance_relation" (
    "id" BIGSERIAL NOT NULL,
    "person_number" VARCHAR(16) NOT NULL,
    "register_number" VARCHAR(16) NOT NULL,
    "hired_on" DATE NOT NULL,
    "late_by_days" INTEGER NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "ended_on" DATE,
    "separation_reason" VARCHAR(48),
    "declared_at" TIMESTAMPTZ(3),
    "declared_late_by_days" INTEGER,
    "origin" VARCHAR(16) NOT NULL,
    "request_key" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insurance_relation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "insurance_relation_status_check" CHECK ("status" IN ('insured', 'suspended', 'terminated', 'cancelled')),
    CONSTRAINT "insurance_relation_end_check" CHECK (("status" = 'insured') = ("ended_on" IS NULL)),
    CONSTRAINT "insurance_relation_origin_check" CHECK ("origin" IN ('registration', 'resumed', 'moved_in')),
    CONSTRAINT "insurance_relation_dates_check" CHECK ("ended_on" IS NULL OR "ended_on" >= "hired_on")
);

-- CreateIndex
CREATE UNIQUE INDEX "insurance_relation_request_key_key" ON "insurance_relation"("request_key");

-- CreateIndex
CREATE INDEX "insurance_relation_person_number_idx" ON "insurance_relation"("person_number");

-- CreateIndex
CREATE INDEX "insurance_relation_register_number_status_idx" ON "insurance_relation"("register_number", "status");

-- At most one open relation per person and employer (a second registration is a conflict, not a second row).
CREATE UNIQUE INDEX "insurance_relation_one_open_partial" ON "insurance_relation"("person_number", "register_number") WHERE "status" = 'insured';

-- AddForeignKey
ALTER TABLE "insurance_relation" ADD CONSTRAINT "insurance_relation_person_number_fkey" FOREIGN KEY ("person_number") REFERENCES "insured_person"("person_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insurance_relation" ADD CONSTRAINT "insurance_relation_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "person_change" (
    "id" BIGSERIAL NOT NULL,
    "person_number" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "article" VARCHAR(8) NOT NULL,
    "actor_id" UUID,
    "actor_name" VARCHAR(64) NOT NULL,
    "relation_id" BIGINT,
    "fields" TEXT[],
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "person_change_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "person_change_kind_check" CHECK ("kind" IN ('registered', 'resumed', 'moved_in', 'changed', 'suspended', 'terminated', 'cancelled'))
);

-- CreateIndex
CREATE INDEX "person_change_person_number_at_idx" ON "person_change"("person_number", "at");

-- AddForeignKey
ALTER TABLE "person_change" ADD CONSTRAINT "person_change_person_number_fkey" FOREIGN KEY ("person_number") REFERENCES "insured_person"("person_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The person's history is append-only, like the employer's (Art. 17): no UPDATE, no DELETE, no TRUNCATE.
CREATE FUNCTION "person_change_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'person_change is append-only';
END;
$$;
CREATE TRIGGER "person_change_no_update" BEFORE UPDATE OR DELETE ON "person_change"
    FOR EACH ROW EXECUTE FUNCTION "person_change_append_only"();
CREATE TRIGGER "person_change_no_truncate" BEFORE TRUNCATE ON "person_change"
    FOR EACH STATEMENT EXECUTE FUNCTION "person_change_append_only"();
