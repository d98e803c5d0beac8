DROP TABLE improvement_plan_signoffs;
DROP TABLE improvement_change_targets;
DROP TABLE improvement_change_complaints;
DROP TABLE improvement_change_requirements;
DROP TABLE improvement_plan_changes;
DROP TABLE improvement_plan_segments;
DROP TABLE improvement_plans;
