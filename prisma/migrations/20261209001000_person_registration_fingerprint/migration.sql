-- Art. 19 person registration: a retried Idempotency-Key gets the same answer only for the same request. The
-- request's fingerprint (the key and the body, hashed) is kept beside the key, so the same key with another body is
-- refused (409) instead of answered with a registration it did not ask for.
ALTER TABLE "insurance_relation" ADD COLUMN "fingerprint" VARCHAR(64);
