/**
 * The import kinds (issue 7). Each one is its sheet layouts and a plan; engine.ts runs them.
 */
import type { ImportKind } from '../../../api/imports';
import { aeImport } from './aes';
import type { ImportKindDef } from './engine';
import { sdtmImport } from './sdtm';
import { studyImport } from './study';
import { subjectImport } from './subjects';
import { visitImport } from './visits';

const KINDS: Record<ImportKind, ImportKindDef> = {
  study: studyImport,
  subjects: subjectImport,
  visits: visitImport,
  aes: aeImport,
  sdtm: sdtmImport,
};

export const importKind = (kind: ImportKind): ImportKindDef => KINDS[kind];
