/**
 * The CTCAE term picker: a Select that asks the server as the user types (ctcae.search: term, part of a SOC, or a MedDRA
 * code). Each option shows the term, its SOC and its MedDRA code; the value is the MedDRA code. The whole term (grade
 * texts, definition) goes to `onPick`, so that the form can show it.
 */
import { Select, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CtcaeTermView } from '../../../electron/api';
import { call } from '../../api/client';

interface TermOption {
  value: string;
  label: string;
  term: CtcaeTermView;
}

const asOption = (term: CtcaeTermView): TermOption => ({ value: term.meddraCode, label: term.term, term });

export function CtcaePicker({
  id,
  value,
  onChange,
  current,
  onPick,
}: {
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
  /** the term of the value the form opened with (its label before any search) */
  current: CtcaeTermView | null;
  onPick: (term: CtcaeTermView | null) => void;
}) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<TermOption[]>(() => (current ? [asOption(current)] : []));
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState<string | null>(null);
  const latest = useRef(0);

  // as the user types: one request per pause, answers to older requests dropped
  useEffect(() => {
    if (query === null) return;
    const n = ++latest.current;
    const timer = setTimeout(() => {
      setSearching(true);
      call('ctcae.search', { query, limit: 30 }).then(
        (terms) => {
          if (n !== latest.current) return;
          setOptions(terms.map(asOption));
          setSearching(false);
        },
        () => {
          if (n === latest.current) setSearching(false);
        },
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [query]);

  // the chosen term stays among the options, so that its label shows after the next search
  const shown =
    current && value === current.meddraCode && !options.some((o) => o.value === value)
      ? [asOption(current), ...options]
      : options;

  return (
    <Select<string | null, TermOption>
      id={id}
      value={value ?? null}
      allowClear
      placeholder={t('aesUi.form.ctcaePlaceholder')}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      onOpenChange={(open) => {
        if (open && query === null) setQuery('');
      }}
      options={shown}
      notFoundContent={searching ? <Spin size="small" /> : t('aesUi.form.noMatch')}
      onChange={(v, option) => {
        onChange?.(v ?? null);
        const picked = Array.isArray(option) ? undefined : option;
        onPick(picked?.term ?? null);
      }}
      optionRender={(o) => (
        <div style={{ lineHeight: 1.35, padding: '2px 0' }} data-testid="ctcae-option">
          <Typography.Text strong>{o.data.term.term}</Typography.Text>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, whiteSpace: 'normal' }}>
            {o.data.term.soc} · <span className="td-mono">{o.data.term.meddraCode}</span>
          </Typography.Text>
        </div>
      )}
      popupMatchSelectWidth
      data-testid="ctcae-picker"
    />
  );
}
