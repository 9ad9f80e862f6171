-- Searchable video count per creator, reported by the retrieval service (which owns videos) with its
-- knowledge version; only newer versions are kept, so late or repeated reports cannot roll it back.
ALTER TABLE creators
    ADD COLUMN video_count       integer NOT NULL DEFAULT 0 CHECK (video_count >= 0),
    ADD COLUMN knowledge_version bigint NOT NULL DEFAULT 0;
