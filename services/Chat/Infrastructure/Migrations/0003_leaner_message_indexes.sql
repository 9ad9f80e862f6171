-- Every chat turn inserts two messages; each index is paid for on every insert. Keep the ones the
-- reads need, no more: one index serves insights (questions and answers of a creator in a period),
-- and a BRIN index (tiny, nearly free to maintain on append-only time) serves the 24-hour stats.
DROP INDEX messages_creator_questions_idx;
DROP INDEX messages_reply_to_idx;
DROP INDEX messages_created_idx;

CREATE INDEX messages_creator_recent_idx ON messages (creator_id, created_at);
CREATE INDEX messages_created_brin ON messages USING brin (created_at);
