-- Embedding spaces: which vector collection search answers from (active), which one is being filled with
-- re-embedded passages after the configured model changed (building), and old ones waiting to be dropped.
-- The building row is also the re-embedding job: one replica holds its lease at a time.
CREATE TABLE embedding_spaces (
    id               bigserial PRIMARY KEY,
    collection       text NOT NULL UNIQUE,
    model            text NOT NULL,
    dimensions       integer NOT NULL CHECK (dimensions > 0),
    state            text NOT NULL CHECK (state IN ('active', 'building', 'retired', 'dropped')),
    videos_done      integer NOT NULL DEFAULT 0,
    videos_total     integer NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL,
    activated_at     timestamptz,
    retired_at       timestamptz,
    updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX embedding_spaces_one_active ON embedding_spaces ((true)) WHERE state = 'active';
CREATE UNIQUE INDEX embedding_spaces_one_building ON embedding_spaces ((true)) WHERE state = 'building';

-- Which generations (ingestion jobs) have their chunks written in which space: ingestion records every space
-- it wrote, re-embedding every video it copied. A job activates only once the active space holds it, and a
-- building space becomes active only once it holds every video's active generation.
CREATE TABLE space_generations (
    space_id   bigint NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
    generation uuid NOT NULL,
    creator_id text NOT NULL,
    video_id   text NOT NULL,
    PRIMARY KEY (space_id, generation)
);
CREATE INDEX space_generations_video_idx ON space_generations (creator_id, video_id);
CREATE INDEX videos_active_generation_idx ON videos (active_generation) WHERE active_generation IS NOT NULL;
