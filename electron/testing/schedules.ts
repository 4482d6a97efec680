/** Schedules the visit tests share (plan rule, handlers, e2e set-up through the API). */
import { visitDefinition, type VisitDefinition, type VisitDefinitionInput } from '../api';

type LineInput = Partial<VisitDefinitionInput> & Pick<VisitDefinitionInput, 'code' | 'name' | 'kind'>;
/** One schedule line with no window and first-dose anchor unless said otherwise. */
export const line = (over: LineInput): VisitDefinition =>
  visitDefinition.parse({ windowBefore: 0, windowAfter: 0, anchor: 'first_dose', dayOffset: 0, ...over });

/** Six 21-day cycles with visits on D1/D8/D15, end of treatment 28 days after the last one, follow-up every 12 weeks. */
export const CYCLE_SCHEDULE: VisitDefinition[] = [
  line({ code: 'SCR', name: '筛选', kind: 'once', anchor: 'consent', dayOffset: 0, windowAfter: 28 }),
  line({
    code: 'C',
    name: '治疗周期',
    kind: 'cycles',
    anchor: 'first_dose',
    dayOffset: 0,
    windowBefore: 1,
    windowAfter: 2,
    cycleLength: 21,
    cycleCount: 6,
    cycleDays: [1, 8, 15],
  }),
  line({
    code: 'EOT',
    name: '治疗结束',
    kind: 'once',
    anchor: 'visit',
    anchorCode: 'C',
    dayOffset: 28,
    windowAfter: 7,
  }),
  line({
    code: 'FU',
    name: '随访',
    kind: 'every',
    anchor: 'visit',
    anchorCode: 'EOT',
    dayOffset: 84,
    interval: 84,
    count: 8,
    windowBefore: 7,
    windowAfter: 7,
  }),
  line({ code: 'AEFU', name: '不良事件随访', kind: 'on_demand' }),
];
