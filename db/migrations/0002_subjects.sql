CREATE TABLE `consent_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`version` text NOT NULL,
	`version_date` text NOT NULL,
	`approved_date` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consent_versions_study_version_uq` ON `consent_versions` (`study_id`,lower("version"));--> statement-breakpoint
CREATE TABLE `consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_id` integer NOT NULL,
	`consent_version_id` integer NOT NULL,
	`signed_date` text NOT NULL,
	`obtained_by` text NOT NULL,
	`notes` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`consent_version_id`) REFERENCES `consent_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `consents_subject_idx` ON `consents` (`subject_id`,`signed_date`);--> statement-breakpoint
CREATE TABLE `subject_numbers` (
	`study_id` integer NOT NULL,
	`kind` text NOT NULL,
	`number` text NOT NULL,
	`subject_id` integer NOT NULL,
	`assigned_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subject_numbers_uq` ON `subject_numbers` (`study_id`,`kind`,lower("number"));--> statement-breakpoint
CREATE TABLE `subject_setups` (
	`study_id` integer PRIMARY KEY NOT NULL,
	`screening_pattern` text NOT NULL,
	`subject_pattern` text NOT NULL,
	`arms` text NOT NULL,
	`criteria` text NOT NULL,
	`screen_failure_reasons` text NOT NULL,
	`current_consent_version_id` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `subjects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`center_id` integer NOT NULL,
	`screening_number` text NOT NULL,
	`subject_number` text,
	`initials` text NOT NULL,
	`sex` text NOT NULL,
	`birth_date` text,
	`birth_year` integer,
	`arm` text,
	`strata` text NOT NULL,
	`name` text,
	`record_number` text,
	`id_number` text,
	`phone` text,
	`status` text NOT NULL,
	`screening_date` text,
	`eligibility` text NOT NULL,
	`screen_failure_date` text,
	`screen_failure_reason` text,
	`screen_failure_detail` text,
	`enrollment_date` text,
	`cap_override_reason` text,
	`treatment_start_date` text,
	`follow_up_date` text,
	`completion_date` text,
	`withdrawal_date` text,
	`withdrawal_reason` text,
	`withdrawal_detail` text,
	`last_consent_version_id` integer,
	`first_consent_date` text,
	`eligibility_confirmed` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`center_id`) REFERENCES `centers`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subjects_screening_number_uq` ON `subjects` (`study_id`,lower("screening_number"));--> statement-breakpoint
CREATE UNIQUE INDEX `subjects_subject_number_uq` ON `subjects` (`study_id`,lower("subject_number")) WHERE "subjects"."subject_number" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subjects_study_status_idx` ON `subjects` (`study_id`,`status`);--> statement-breakpoint
CREATE INDEX `subjects_study_center_idx` ON `subjects` (`study_id`,`center_id`,`status`);--> statement-breakpoint
CREATE INDEX `subjects_study_screening_idx` ON `subjects` (`study_id`,`screening_number`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `subject_id` integer;--> statement-breakpoint
CREATE INDEX `audit_subject_idx` ON `audit_events` (`subject_id`);