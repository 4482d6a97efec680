import { DatePicker } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DATE, parseDate } from '../i18n/format';

/**
 * A date picker whose value is the stored 'YYYY-MM-DD' text (or null), so forms hold what the server takes. Typing
 * accepts the displayed format and YYYY-MM-DD. Enter while the calendar is open only takes the date; Enter after that
 * submits the form, as in any other field.
 */
export function DateField({
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
  const [open, setOpen] = useState(false);
  return (
    <DatePicker
      id={id}
      disabled={disabled}
      style={{ width: '100%' }}
      value={parseDate(value)}
      format={[t('format.date'), DATE]}
      onChange={(d) => onChange?.(d ? d.format(DATE) : null)}
      onOpenChange={setOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && open) e.preventDefault();
      }}
    />
  );
}
