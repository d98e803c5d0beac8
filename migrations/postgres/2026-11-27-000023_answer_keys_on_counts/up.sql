-- The answers' references to their requirement, segment and session move to the answer counts
-- (PostgreSQL only; keep the name in step with ../../sqlite/). PostgreSQL checks a foreign key
-- with a trigger per inserted row, even for a NULL: the three were two thirds of a
-- million-answer import (issue 16). Every answer has its grid in answer_counts, written in the
-- same transaction (`kanogap recount` and the consistency tests hold the two equal), so a
-- requirement, segment or session with answers still cannot be removed, and an answer naming a
-- missing one still cannot be stored: the grid's foreign key refuses it, once per grid instead
-- of once per answer, and locks the referenced row as the answer's own key did. The grids'
-- session 0 (answers outside a session) references nothing: `session_ref` is the session key
-- with 0 as NULL.
ALTER TABLE kano_responses
    DROP CONSTRAINT kano_responses_requirement_id_fkey,
    DROP CONSTRAINT kano_responses_segment_id_fkey,
    DROP CONSTRAINT kano_responses_session_id_fkey;
ALTER TABLE answer_counts
    ADD COLUMN session_ref INTEGER GENERATED ALWAYS AS (NULLIF(session_id, 0)) STORED,
    ADD CONSTRAINT answer_counts_requirement_id_fkey FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    ADD CONSTRAINT answer_counts_segment_id_fkey FOREIGN KEY (segment_id) REFERENCES segments (id),
    ADD CONSTRAINT answer_counts_session_ref_fkey FOREIGN KEY (session_ref) REFERENCES sessions (id);
-- A requirement's or session's removal looks its grids up (the key leads with the segment).
CREATE INDEX answer_counts_requirement_idx ON answer_counts (requirement_id);
CREATE INDEX answer_counts_session_ref_idx ON answer_counts (session_ref);
