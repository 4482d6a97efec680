CREATE TABLE `column_mappings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sponsor` text NOT NULL,
	`kind` text NOT NULL,
	`headers` text NOT NULL,
	`day_month_order` text,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `column_mappings_sponsor_kind_uq` ON `column_mappings` (lower("sponsor"),`kind`);--> statement-breakpoint
CREATE TABLE `export_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`audit_seq` integer NOT NULL,
	`since_seq` integer,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`rows` text NOT NULL,
	`options` text NOT NULL,
	`exported_by` integer,
	`exported_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`exported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `export_deliveries_recipient_idx` ON `export_deliveries` (`study_id`,lower("recipient"),`kind`,`audit_seq`);--> statement-breakpoint
CREATE TABLE `export_settings` (
	`study_id` integer PRIMARY KEY NOT NULL,
	`initials` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`study_id` integer,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`created` integer NOT NULL,
	`updated` integer NOT NULL,
	`unchanged` integer NOT NULL,
	`rejected` integer NOT NULL,
	`imported_by` integer,
	`imported_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`imported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `import_batches_study_idx` ON `import_batches` (`study_id`,`imported_at`);--> statement-breakpoint
CREATE INDEX `import_batches_sha_idx` ON `import_batches` (`sha256`);