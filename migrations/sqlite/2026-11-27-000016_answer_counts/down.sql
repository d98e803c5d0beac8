CREATE INDEX kano_responses_segment_idx ON kano_responses (segment_id, requirement_id);
CREATE INDEX kano_responses_session_idx ON kano_responses (session_id);
DROP TABLE answer_counts;
