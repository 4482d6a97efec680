CREATE TABLE `signatures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`study_id` integer,
	`meaning` text NOT NULL,
	`signer_id` integer NOT NULL,
	`signer_name` text NOT NULL,
	`signed_at` text NOT NULL,
	`content_hash` text NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`signer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `signatures_record_idx` ON `signatures` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `user_studies` (
	`user_id` integer NOT NULL,
	`study_id` integer NOT NULL,
	`assigned_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `study_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `user_studies_study_idx` ON `user_studies` (`study_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `must_change_password` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `failed_logins` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `locked_until` text;--> statement-breakpoint
ALTER TABLE `users` ADD `last_login_at` text;