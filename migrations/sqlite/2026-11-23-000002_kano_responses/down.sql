DROP TABLE kano_responses;
