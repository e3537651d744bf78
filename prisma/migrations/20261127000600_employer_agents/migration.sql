-- AlterTable: employer agents (单位经办人, Art. 8) act for one employer, named by its unified social credit code.
ALTER TABLE "app_user" ADD COLUMN "employer_uscc" VARCHAR(18);
