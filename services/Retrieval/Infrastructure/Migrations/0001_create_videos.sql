CREATE TABLE videos (
    creator_id    text NOT NULL,
    video_id      text NOT NULL,
    title         text NOT NULL,
    url           text,
    published_at  timestamptz,
    chunk_count   integer NOT NULL DEFAULT 0,
    status        text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (creator_id, video_id)
);
