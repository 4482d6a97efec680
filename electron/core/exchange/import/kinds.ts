/**
 * The import kinds this version reads. Each one is a sheet layout and a plan (engine.ts runs them); a kind not built
 * yet is refused on the `kind` field, never half-read.
 */
import type { ImportKind } from '../../../api/imports';
import { fieldError } from '../../errors';
import { aeImport } from './aes';
import { sdtmImport } from './sdtm';
import { subjectImport } from './subjects';
import { visitImport } from './visits';
import type { ImportKindDef } from './engine';

const KINDS: Partial<Record<ImportKind, ImportKindDef>> = {
  aes: aeImport,
  sdtm: sdtmImport,
  subjects: subjectImport,
  visits: visitImport,
};

export function importKind(kind: ImportKind): ImportKindDef {
  const def = KINDS[kind];
  if (!def) throw fieldError('validation', 'kind', 'exchange.importKindUnavailable', { kind });
  return def;
}
