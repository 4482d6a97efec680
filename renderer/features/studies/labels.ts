import type { ZodObject, ZodType } from 'zod';
import { studyPhases, therapeuticAreas } from '../../../electron/api';
import i18n from '../../i18n';

/** Select options with translated labels, in the contract's order. */
export const phaseOptions = () => studyPhases.map((p) => ({ value: p, label: i18n.t(`phase.${p}`) }));
export const areaOptions = () => therapeuticAreas.map((a) => ({ value: a, label: i18n.t(`area.${a}`) }));

/** Which fields a contract schema requires: the asterisks follow the server's rules instead of repeating them. */
export function requiredFields(schema: ZodObject<Record<string, ZodType>>): Set<string> {
  return new Set(Object.entries(schema.shape).flatMap(([k, s]) => (s.safeParse(undefined).success ? [] : [k])));
}
