DROP TABLE sla_signoffs;
DROP TABLE sla_drafts;
