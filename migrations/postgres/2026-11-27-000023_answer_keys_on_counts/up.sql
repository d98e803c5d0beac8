-- The answers' references to their requirement and segment move to the answer counts
-- (PostgreSQL only; keep the name in step with ../../sqlite/). PostgreSQL checks a foreign key
-- with a trigger per inserted row: two of them were two thirds of a million-answer import
-- (issue 16). Every answer has its grid in answer_counts, written in the same transaction
-- (`kanogap recount` and the consistency tests hold the two equal), so a requirement or
-- segment with answers still cannot be removed, and an answer naming a missing one still
-- cannot be stored: the grid's foreign key refuses it, once per grid instead of once per
-- answer, and locks the referenced row as the answer's own key did. The session key stays on
-- the answers: the grids' session 0 (no session) cannot reference a session.
ALTER TABLE kano_responses
    DROP CONSTRAINT kano_responses_requirement_id_fkey,
    DROP CONSTRAINT kano_responses_segment_id_fkey;
ALTER TABLE answer_counts
    ADD CONSTRAINT answer_counts_requirement_id_fkey FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    ADD CONSTRAINT answer_counts_segment_id_fkey FOREIGN KEY (segment_id) REFERENCES segments (id);
-- A requirement's removal looks its grids up by requirement (the key leads with the segment).
CREATE INDEX answer_counts_requirement_idx ON answer_counts (requirement_id);
