DROP INDEX answer_counts_session_ref_idx;
DROP INDEX answer_counts_requirement_idx;
ALTER TABLE answer_counts
    DROP CONSTRAINT answer_counts_requirement_id_fkey,
    DROP CONSTRAINT answer_counts_segment_id_fkey,
    DROP CONSTRAINT answer_counts_session_ref_fkey,
    DROP COLUMN session_ref;
ALTER TABLE kano_responses
    ADD CONSTRAINT kano_responses_requirement_id_fkey FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    ADD CONSTRAINT kano_responses_segment_id_fkey FOREIGN KEY (segment_id) REFERENCES segments (id),
    ADD CONSTRAINT kano_responses_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id);
