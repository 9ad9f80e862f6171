-- Search fetches its few winning chunks by id. Looked up through the primary key (collection, creator_id, id),
-- the planner can take another index sharing the (collection, creator_id) prefix and filter a whole creator's
-- rows per id whenever its statistics do not know the creator yet (a new or freshly loaded partition). An index
-- led by id alone makes the lookup unambiguous.
CREATE INDEX vector_points_id_idx ON vector_points (id);
