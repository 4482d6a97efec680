CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`study_id` integer,
	`changes` text NOT NULL,
	`reason` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_events` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_study_idx` ON `audit_events` (`study_id`);--> statement-breakpoint
CREATE TABLE `centers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`code` text NOT NULL,
	`hospital_name` text NOT NULL,
	`city` text,
	`pi` text NOT NULL,
	`is_lead` integer DEFAULT false NOT NULL,
	`is_own` integer DEFAULT false NOT NULL,
	`enrollment_target` integer,
	`hard_cap` integer,
	`activation_date` text,
	`status` text NOT NULL,
	`status_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `centers_study_code_uq` ON `centers` (`study_id`,lower("code"));--> statement-breakpoint
CREATE UNIQUE INDEX `centers_one_lead_uq` ON `centers` (`study_id`) WHERE "centers"."is_lead" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `centers_one_own_uq` ON `centers` (`study_id`) WHERE "centers"."is_own" = 1;--> statement-breakpoint
CREATE TABLE `studies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`protocol_number` text NOT NULL,
	`title` text NOT NULL,
	`short_title` text NOT NULL,
	`sponsor` text NOT NULL,
	`cro` text,
	`phase` text NOT NULL,
	`indication` text NOT NULL,
	`therapeutic_area` text NOT NULL,
	`registration_number` text,
	`site_pi` text NOT NULL,
	`ethics_approval_date` text,
	`protocol_version` text,
	`protocol_version_date` text,
	`status` text NOT NULL,
	`status_before_suspension` text,
	`status_reason` text,
	`enrollment_target` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `studies_protocol_number_uq` ON `studies` (lower("protocol_number"));--> statement-breakpoint
CREATE INDEX `studies_status_idx` ON `studies` (`status`);--> statement-breakpoint
CREATE INDEX `studies_updated_idx` ON `studies` (`updated_at`);--> statement-breakpoint
-- The audit trail is append-only: no statement may change or remove an event.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
