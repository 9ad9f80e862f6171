CREATE TABLE conversations (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL,
    creator_id  text NOT NULL,
    title       text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX conversations_user_recent_idx ON conversations (user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
    id               uuid PRIMARY KEY,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             text NOT NULL CHECK (role IN ('user', 'assistant')),
    content          text NOT NULL,
    citations        jsonb NOT NULL DEFAULT '[]'::jsonb,
    usage            jsonb,
    status           text NOT NULL CHECK (status IN ('complete', 'stopped', 'failed')),
    cached           boolean NOT NULL DEFAULT false,
    latency_ms       integer,
    created_at       timestamptz NOT NULL
);

CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at, id);
