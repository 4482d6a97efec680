/**
 * Contract shapes of the Excel exchange with sponsors (issue 7): exports in the sponsor's log layouts or SDTM domains,
 * "changes since the last delivery" to a recipient, and the per-study export settings. The rules live in
 * electron/core/exchange; the sheets' cells in electron/excel.
 */
import { z } from 'zod';
import { exportKinds } from '../../db/schema/vocabulary';
import { id, locales, optionalDate, text } from './common';

export { exportKinds };
export type ExportKind = (typeof exportKinds)[number];

/** The sheets of a sponsor export, in workbook order (a "Read me" sheet always comes first). */
export const sponsorSheets = ['summary', 'screening', 'enrollment', 'visits', 'aes', 'saes', 'deviations'] as const;
export type SponsorSheet = (typeof sponsorSheets)[number];
/** The SDTM-aligned domains (TV from the study's visit schedule). */
export const sdtmDomains = ['DM', 'DS', 'SV', 'AE', 'TV'] as const;
export type SdtmDomain = (typeof sdtmDomains)[number];

export const exportInput = z.object({
  studyId: id,
  kind: z.enum(exportKinds),
  /** sponsor sheets for 'sponsor', domains for 'sdtm' (checked against the kind by the service) */
  sheets: z
    .array(z.enum([...sponsorSheets, ...sdtmDomains]))
    .min(1, { message: 'validation.required' })
    .max(sponsorSheets.length + sdtmDomains.length),
  /** the language of headers and labels (code columns stay alongside in both) */
  lang: z.enum(locales),
  /** only these centers; empty = every center of the study */
  centerIds: z.array(id).max(500).default([]),
  /** records dated within (screening, enrollment, visit, onset, deviation date); either end optional */
  from: optionalDate,
  to: optionalDate,
  /** who receives it (sponsor, CRO, monitor's name): "changes since last delivery" is counted per recipient */
  recipient: text(100),
  /** only what changed since the previous export of this study to this recipient, with a change-log sheet */
  changesOnly: z.boolean().default(false),
  /** the workstation's offset: date-time cells show its wall clock (Excel cells have no zone) */
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
});

export interface ExportResult {
  fileName: string;
  base64: string;
  /** rows written per sheet (the Read me sheet lists them too) */
  rows: Record<string, number>;
  deliveryId: number;
  /** for a changes-only export: when the delivery it continues was made */
  since: string | null;
}

/** A previous delivery, for the export screen's history and its "changes since" choice. */
export interface DeliveryView {
  id: number;
  kind: ExportKind;
  recipient: string;
  fileName: string;
  changesOnly: boolean;
  rows: Record<string, number>;
  exportedBy: string | null;
  exportedAt: string;
}

export interface ExportSettingsView {
  studyId: number;
  /** the protocol lets subjects' initials leave the site (else exports carry subject numbers only) */
  initials: boolean;
}
/** a change of what leaves the site: always with its reason */
export const exportSettingsInput = z.object({ studyId: id, initials: z.boolean(), reason: text(500) });
