-- Documents (业务材料, Art. 14, 84, 85): the files people and clerks supply for a case, stored once by content hash.
-- `document_content` is the embedded store (PostgreSQL bytea: backed up, replicated and shared by every API process
-- with the rest of the read model); with DOCUMENT_STORE=s3 the bytes live in the bucket and this table stays empty.
-- `document` is one row per material supplied: what it is, whose, for which case, who supplied it and when, and for a
-- copy of an original the clerk's 与原件核对无误 mark (Art. 14). The archives chapter files from these rows.

-- CreateTable
CREATE TABLE "document_content" (
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "content" BYTEA NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "document_content_pkey" PRIMARY KEY ("sha256"),
    CONSTRAINT "document_content_size_check" CHECK ("size_bytes" = octet_length("content"))
);

-- CreateTable
CREATE TABLE "document" (
    "id" UUID NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "person_id_number" VARCHAR(32),
    "kind" VARCHAR(48) NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "media_type" VARCHAR(64) NOT NULL,
    "file_name" VARCHAR(255),
    "supplied_by_role" VARCHAR(32) NOT NULL,
    "supplied_by_id" VARCHAR(64),
    "supplied_by_name" VARCHAR(64) NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "certified_by_id" VARCHAR(64),
    "certified_by_name" VARCHAR(64),
    "certified_at" TIMESTAMPTZ(3),

    CONSTRAINT "document_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "document_media_type_check" CHECK ("media_type" IN ('application/pdf', 'image/jpeg', 'image/png')),
    CONSTRAINT "document_certified_check" CHECK (("certified_at" IS NULL) = ("certified_by_name" IS NULL))
);

-- CreateIndex
CREATE UNIQUE INDEX "document_case_number_kind_sha256_key" ON "document"("case_number", "kind", "sha256");

-- CreateIndex
CREATE INDEX "document_person_id_number_kind_idx" ON "document"("person_id_number", "kind");

-- AddForeignKey
ALTER TABLE "document" ADD CONSTRAINT "document_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "case"("case_number") ON DELETE RESTRICT ON UPDATE CASCADE;
