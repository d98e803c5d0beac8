DROP TABLE ticket_durations;
