-- An answer composed without the creator's videos (retrieval down) is marked as such, so clients and
-- history can tell it from a grounded one.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS degraded boolean NOT NULL DEFAULT false;
UPDATE messages SET degraded = true WHERE outcome = 'retrieval_unavailable' AND NOT degraded;
