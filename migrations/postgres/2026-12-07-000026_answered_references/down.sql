ALTER TABLE answer_counts
    ADD COLUMN session_ref INTEGER GENERATED ALWAYS AS (NULLIF(session_id, 0)) STORED,
    ADD CONSTRAINT answer_counts_requirement_id_fkey FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    ADD CONSTRAINT answer_counts_segment_id_fkey FOREIGN KEY (segment_id) REFERENCES segments (id),
    ADD CONSTRAINT answer_counts_session_ref_fkey FOREIGN KEY (session_ref) REFERENCES sessions (id);
CREATE INDEX answer_counts_session_ref_idx ON answer_counts (session_ref);
DROP TABLE answered_sessions;
DROP TABLE answered_segments;
DROP TABLE answered_requirements;
