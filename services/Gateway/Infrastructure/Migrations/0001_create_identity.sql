CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text NOT NULL,
    name           text,
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('fan', 'creator', 'admin')),
    tier           text NOT NULL CHECK (tier IN ('free', 'premium', 'enterprise')),
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT users_email_lowercase CHECK (email = lower(email))
);

-- Refresh tokens are stored as SHA-256 hashes; a family is one login's chain of rotations.
CREATE TABLE refresh_tokens (
    token_hash  text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    event        text NOT NULL,
    actor_id     uuid,
    subject_id   uuid,
    ip           text,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_event_idx ON audit_events (event, id DESC);
