CREATE TABLE `adverse_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`center_id` integer NOT NULL,
	`subject_id` integer NOT NULL,
	`ae_number` integer NOT NULL,
	`verbatim_term` text NOT NULL,
	`ctcae_code` text,
	`ctcae_term` text,
	`soc` text,
	`grade` integer,
	`severity` text,
	`start_date` text NOT NULL,
	`end_date` text,
	`ongoing` integer NOT NULL,
	`serious` integer NOT NULL,
	`serious_criteria` text NOT NULL,
	`expected` integer,
	`causality` text,
	`related` integer DEFAULT false NOT NULL,
	`action` text,
	`treatment` text,
	`outcome` text,
	`visit_id` integer,
	`notes` text,
	`awareness_at` text,
	`report_due_at` text,
	`reported_at` text,
	`assessment_signed` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`center_id`) REFERENCES `centers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`visit_id`) REFERENCES `visits`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `adverse_events_subject_number_uq` ON `adverse_events` (`subject_id`,`ae_number`);--> statement-breakpoint
CREATE INDEX `adverse_events_study_start_idx` ON `adverse_events` (`study_id`,`start_date`);--> statement-breakpoint
CREATE INDEX `adverse_events_study_soc_idx` ON `adverse_events` (`study_id`,`soc`,`grade`,`severity`,`subject_id`);--> statement-breakpoint
CREATE INDEX `adverse_events_sae_open_idx` ON `adverse_events` (`study_id`,`report_due_at`) WHERE "adverse_events"."serious" = 1 AND "adverse_events"."reported_at" IS NULL;--> statement-breakpoint
CREATE INDEX `adverse_events_sae_reported_idx` ON `adverse_events` (`reported_at`,`study_id`) WHERE "adverse_events"."serious" = 1 AND "adverse_events"."reported_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `adverse_events_unsigned_idx` ON `adverse_events` (`study_id`,`start_date`) WHERE "adverse_events"."assessment_signed" = 0;--> statement-breakpoint
CREATE INDEX `adverse_events_unsigned_onset_idx` ON `adverse_events` (`start_date`) WHERE "adverse_events"."assessment_signed" = 0;--> statement-breakpoint
CREATE TABLE `ctcae_loads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`terms` integer NOT NULL,
	`added` integer NOT NULL,
	`updated` integer NOT NULL,
	`loaded_by` integer,
	`loaded_at` text NOT NULL,
	FOREIGN KEY (`loaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `ctcae_terms` (
	`meddra_code` text PRIMARY KEY NOT NULL,
	`soc` text NOT NULL,
	`term` text NOT NULL,
	`grade1` text,
	`grade2` text,
	`grade3` text,
	`grade4` text,
	`grade5` text,
	`definition` text,
	`navigational_note` text,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ctcae_terms_soc_idx` ON `ctcae_terms` (`soc`,`position`);--> statement-breakpoint
CREATE TABLE `sae_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ae_id` integer NOT NULL,
	`number` integer NOT NULL,
	`sent_at` text NOT NULL,
	`recipient` text NOT NULL,
	`method` text NOT NULL,
	`notes` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`ae_id`) REFERENCES `adverse_events`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sae_reports_ae_number_uq` ON `sae_reports` (`ae_id`,`number`);--> statement-breakpoint
CREATE TABLE `safety_settings` (
	`study_id` integer PRIMARY KEY NOT NULL,
	`severity_scale` text NOT NULL,
	`sae_report_hours` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `susar_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`sponsor_reference` text NOT NULL,
	`received_date` text NOT NULL,
	`event_term` text NOT NULL,
	`report_type` text,
	`fatal_or_life_threatening` integer NOT NULL,
	`acknowledged_by` integer,
	`acknowledged_at` text,
	`ethics_submitted_date` text,
	`notes` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `susar_reports_study_ref_uq` ON `susar_reports` (`study_id`,lower("sponsor_reference"));--> statement-breakpoint
CREATE INDEX `susar_reports_study_received_idx` ON `susar_reports` (`study_id`,`received_date`);