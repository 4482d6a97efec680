import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { DATE } from '../../i18n/format';

/**
 * A date and time (to the minute) picked in the workstation's local time; the value is the instant as UTC ISO-8601 text
 * (or null), which is what the server takes (the SAE awareness, a report's sending time).
 */
export function DateTimeField({
  value,
  onChange,
  id,
  disabled,
}: {
  value?: string | null;
  onChange?: (value: string | null) => void;
  id?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const parsed = value ? dayjs(value) : null;
  return (
    <DatePicker
      id={id}
      disabled={disabled}
      showTime={{ format: 'HH:mm' }}
      style={{ width: '100%' }}
      value={parsed?.isValid() ? parsed : null}
      format={[t('format.dateTime'), `${DATE} HH:mm`]}
      onChange={(d) => onChange?.(d ? d.second(0).millisecond(0).toISOString() : null)}
      needConfirm={false}
    />
  );
}
