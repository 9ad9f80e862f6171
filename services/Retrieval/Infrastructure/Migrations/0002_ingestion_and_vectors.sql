-- Videos: which ingestion job is the latest for a video, and which generation (job) is searchable.
ALTER TABLE videos
    ADD COLUMN latest_job_id     uuid,
    ADD COLUMN active_generation uuid,
    ADD COLUMN error             text;
ALTER TABLE videos
    ADD CONSTRAINT videos_status_check CHECK (status IN ('queued', 'processing', 'ready', 'failed'));
CREATE INDEX videos_active_idx ON videos (creator_id) WHERE active_generation IS NOT NULL;

-- Durable ingestion jobs. A replica claims one with FOR UPDATE SKIP LOCKED and holds a lease it renews;
-- a job whose lease expired (its replica crashed) is claimed again by another replica.
CREATE TABLE ingestion_jobs (
    id               uuid PRIMARY KEY,
    creator_id       text NOT NULL,
    video_id         text NOT NULL,
    title            text NOT NULL,
    url              text,
    published_at     timestamptz,
    format           text NOT NULL CHECK (format IN ('srt', 'vtt', 'text')),
    transcript       text,             -- kept until the job finishes
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress         real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    error            text,
    attempts         integer NOT NULL DEFAULT 0,
    run_after        timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    cue_count        integer,
    chunk_count      integer,
    requested_by     uuid,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX ingestion_jobs_queued_idx ON ingestion_jobs (run_after, created_at) WHERE status = 'queued';
CREATE INDEX ingestion_jobs_running_idx ON ingestion_jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX ingestion_jobs_video_idx ON ingestion_jobs (creator_id, video_id);
CREATE INDEX ingestion_jobs_finished_idx ON ingestion_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Per-creator knowledge version (bumped by every ingest, replace and delete) and counts. reported_version is
-- how far the counts have been pushed to the creator service (for GET /api/v1/creators video_count).
CREATE TABLE creator_knowledge (
    creator_id       text PRIMARY KEY,
    version          bigint NOT NULL,
    video_count      integer NOT NULL,
    chunk_count      integer NOT NULL,
    reported_version bigint NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX creator_knowledge_unreported_idx ON creator_knowledge (updated_at) WHERE reported_version < version;

-- Outbox of vector-store deletions (old generations, deleted videos, failed jobs' partial writes), retried
-- until the store confirms. Search never depends on it: it only returns chunks of active generations.
CREATE TABLE vector_cleanups (
    id          bigserial PRIMARY KEY,
    creator_id  text NOT NULL,
    video_id    text NOT NULL,
    generations uuid[],            -- null: every generation of the video
    attempts    integer NOT NULL DEFAULT 0,
    run_after   timestamptz NOT NULL,
    last_error  text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX vector_cleanups_due_idx ON vector_cleanups (run_after);

-- The embedded vector store (used when no Qdrant is configured).
CREATE TABLE vector_collections (
    name       text PRIMARY KEY,
    model      text NOT NULL,
    dimensions integer NOT NULL CHECK (dimensions > 0),
    created_at timestamptz NOT NULL
);

-- version: bumped by every write to the partition, in the write's transaction (serialises writers).
CREATE TABLE vector_partitions (
    collection text NOT NULL REFERENCES vector_collections (name) ON DELETE CASCADE,
    creator_id text NOT NULL,
    version    bigint NOT NULL,
    PRIMARY KEY (collection, creator_id)
);

CREATE TABLE vector_points (
    collection    text NOT NULL,
    creator_id    text NOT NULL,
    id            uuid NOT NULL,
    video_id      text NOT NULL,
    generation    uuid NOT NULL,
    seq           integer NOT NULL,
    revision      bigint NOT NULL,    -- the partition version that wrote this row
    embedding     bytea NOT NULL,     -- float32 little-endian
    title         text NOT NULL,
    url           text,
    start_seconds double precision NOT NULL,
    end_seconds   double precision NOT NULL,
    text          text NOT NULL,
    PRIMARY KEY (collection, creator_id, id),
    FOREIGN KEY (collection, creator_id) REFERENCES vector_partitions (collection, creator_id) ON DELETE CASCADE
);
-- Float vectors do not compress: store them out of line without trying.
ALTER TABLE vector_points ALTER COLUMN embedding SET STORAGE EXTERNAL;
CREATE INDEX vector_points_revision_idx ON vector_points (collection, creator_id, revision);
CREATE INDEX vector_points_video_idx ON vector_points (collection, creator_id, video_id, generation);

-- What each delete removed, so that replicas holding a partition in memory can apply it incrementally.
CREATE TABLE vector_deletions (
    collection  text NOT NULL,
    creator_id  text NOT NULL,
    revision    bigint NOT NULL,
    video_id    text NOT NULL,
    generations uuid[],
    PRIMARY KEY (collection, creator_id, revision, video_id),
    FOREIGN KEY (collection, creator_id) REFERENCES vector_partitions (collection, creator_id) ON DELETE CASCADE
);
