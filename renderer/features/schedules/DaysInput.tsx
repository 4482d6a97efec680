import { Input } from 'antd';
import { useState } from 'react';

/** "1, 8 15" → [1, 8, 15]: whole positive numbers, each once, in order; anything else is dropped. */
export function parseDays(text: string): number[] {
  const days = text
    .split(/[\s,，、;；/]+/)
    .filter(Boolean)
    .map((s) => Number(s.replace(/^[dD]/, '')))
    .filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(days)].sort((a, b) => a - b);
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * The days of a cycle on which there is a visit, typed as numbers ("1 8 15" or "1,8,15"). The text stays as typed
 * while the numbers it means are the field's value; leaving the field shows them tidied ("1, 8, 15").
 */
export function DaysInput({
  value,
  onChange,
  id,
  disabled,
  placeholder,
  'aria-label': ariaLabel,
}: {
  value?: number[] | null;
  onChange?: (days: number[]) => void;
  id?: string;
  disabled?: boolean;
  placeholder?: string;
  'aria-label'?: string;
}) {
  const days = value ?? [];
  const [text, setText] = useState(days.join(', '));
  // a value set from outside (form reset) replaces the text; the user's own typing is kept as typed
  const shown = same(parseDays(text), days) ? text : days.join(', ');
  return (
    <Input
      id={id}
      disabled={disabled}
      className="td-mono"
      prefix="D"
      placeholder={placeholder}
      aria-label={ariaLabel}
      value={shown}
      onChange={(e) => {
        setText(e.target.value);
        onChange?.(parseDays(e.target.value));
      }}
      onBlur={() => setText(days.join(', '))}
    />
  );
}
