CREATE TABLE `deviations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`number` integer NOT NULL,
	`subject_id` integer,
	`center_id` integer,
	`visit_id` integer,
	`occurred_date` text NOT NULL,
	`category` text NOT NULL,
	`description` text NOT NULL,
	`severity` text NOT NULL,
	`corrective_action` text,
	`reported_sponsor_date` text,
	`reported_ethics_date` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`center_id`) REFERENCES `centers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`visit_id`) REFERENCES `visits`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deviations_study_number_uq` ON `deviations` (`study_id`,`number`);--> statement-breakpoint
CREATE INDEX `deviations_study_date_idx` ON `deviations` (`study_id`,`occurred_date`);--> statement-breakpoint
CREATE INDEX `deviations_subject_idx` ON `deviations` (`subject_id`);--> statement-breakpoint
CREATE TABLE `holidays` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`version` text NOT NULL,
	`effective_date` text NOT NULL,
	`notes` text,
	`visits` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedule_versions_study_version_uq` ON `schedule_versions` (`study_id`,lower("version"));--> statement-breakpoint
CREATE TABLE `visits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`center_id` integer NOT NULL,
	`subject_id` integer NOT NULL,
	`version_id` integer,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`seq` integer NOT NULL,
	`cycle` integer,
	`cycle_day` integer,
	`unscheduled` integer DEFAULT false NOT NULL,
	`target_date` text,
	`window_start` text,
	`window_end` text,
	`calendar_date` text NOT NULL,
	`status` text NOT NULL,
	`actual_date` text,
	`reason` text,
	`notes` text,
	`out_of_window` integer DEFAULT false NOT NULL,
	`deviation_decision` text,
	`deviation_id` integer,
	`deviation_explanation` text,
	`entered_by` integer,
	`entered_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`center_id`) REFERENCES `centers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`version_id`) REFERENCES `schedule_versions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`entered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `visits_subject_idx` ON `visits` (`subject_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `visits_subject_code_uq` ON `visits` (`subject_id`,`code`) WHERE "visits"."unscheduled" = 0;--> statement-breakpoint
CREATE INDEX `visits_planned_idx` ON `visits` (`study_id`,`window_start`,`window_end`,`target_date`,`center_id`) WHERE "visits"."status" = 'planned';--> statement-breakpoint
CREATE INDEX `visits_overdue_idx` ON `visits` (`window_end`,`study_id`,`center_id`) WHERE "visits"."status" = 'planned';--> statement-breakpoint
CREATE INDEX `visits_study_calendar_idx` ON `visits` (`study_id`,`calendar_date`);--> statement-breakpoint
CREATE INDEX `visits_proposed_idx` ON `visits` (`study_id`) WHERE "visits"."deviation_decision" = 'proposed';--> statement-breakpoint
ALTER TABLE `subjects` ADD `schedule_version_id` integer;