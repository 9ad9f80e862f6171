CREATE TABLE creators (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL,
    name        text NOT NULL,
    specialty   text,
    description text,
    avatar_url  text,
    persona     text,
    owner_id    uuid,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT creators_slug_unique UNIQUE (slug),
    CONSTRAINT creators_slug_format CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$')
);

CREATE INDEX creators_owner_idx ON creators (owner_id);
CREATE INDEX creators_active_slug_idx ON creators (slug) WHERE is_active;
