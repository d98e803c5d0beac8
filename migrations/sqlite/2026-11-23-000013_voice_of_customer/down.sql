DROP TABLE satisfaction_responses;
DROP TABLE satisfaction_survey_segments;
DROP TABLE satisfaction_surveys;
DROP TABLE complaint_steps;
DROP TABLE complaints;
DROP TABLE complaint_counters;
