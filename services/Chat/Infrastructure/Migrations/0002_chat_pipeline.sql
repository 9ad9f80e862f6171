-- What the answer pipeline, feedback and insights need on top of 0001.

-- Messages carry their creator (immutable: a conversation never changes creator) so that insights
-- and stats read one table through one index.
ALTER TABLE messages
    ADD COLUMN creator_id       text,
    ADD COLUMN reply_to         uuid,
    ADD COLUMN question_key     text,
    ADD COLUMN outcome          text CHECK (outcome IN ('answered', 'not_covered', 'retrieval_unavailable')),
    ADD COLUMN top_score        real,
    ADD COLUMN model            text,
    ADD COLUMN feedback_rating  smallint CHECK (feedback_rating IN (-1, 1)),
    ADD COLUMN feedback_comment text,
    ADD COLUMN feedback_at      timestamptz;

UPDATE messages m SET creator_id = c.creator_id FROM conversations c WHERE c.id = m.conversation_id;
ALTER TABLE messages ALTER COLUMN creator_id SET NOT NULL;

-- A conversation's title comes from its first question, cut to 80 characters (plus an ellipsis).
ALTER TABLE conversations ADD CONSTRAINT conversations_title_length CHECK (char_length(title) <= 81);

-- Insights: questions asked of a creator, most recent first.
CREATE INDEX messages_creator_questions_idx ON messages (creator_id, created_at) WHERE role = 'user';
-- The answer to a question.
CREATE INDEX messages_reply_to_idx ON messages (reply_to) WHERE reply_to IS NOT NULL;
-- Stats: messages of the last 24 hours.
CREATE INDEX messages_created_idx ON messages (created_at);
