DROP TABLE reported_measurements;
DROP TABLE tickets;
DROP TABLE service_targets;
DROP TABLE calendars;
