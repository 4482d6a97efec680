import { Select } from 'antd';
import type { StudyListItem } from '../../electron/api';

/** The study an area works on (deviation log, Excel exchange): searchable by protocol number and short title. */
export function StudyPicker(props: {
  studies: readonly Pick<StudyListItem, 'id' | 'protocolNumber' | 'shortTitle'>[];
  value: number | undefined;
  loading: boolean;
  label: string;
  width: number;
  testId: string;
  onChange(id: number): void;
}) {
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: props.width, flex: '0 0 auto' }}
      aria-label={props.label}
      placeholder={props.label}
      value={props.value}
      loading={props.loading}
      onChange={(id: number) => props.onChange(id)}
      options={props.studies.map((s) => ({ value: s.id, label: `${s.protocolNumber} · ${s.shortTitle}` }))}
      popupMatchSelectWidth={false}
      data-testid={props.testId}
    />
  );
}
