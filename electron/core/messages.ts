/**
 * The server's messages in words, for what leaves the app as text rather than through the screens: an import report's
 * reasons (its workbook, the command line's JSON). The words are the screens' own (renderer/i18n, plain data), looked
 * up as the renderer does: `msg.<key>` with i18next's {{param}} interpolation.
 */
import en from '../../renderer/i18n/en';
import zhCN from '../../renderer/i18n/zh-CN';
import type { Locale } from '../api';

const catalogs: Record<Locale, unknown> = { 'zh-CN': zhCN.msg, en: en.msg };

export function translate(lang: Locale, key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = catalogs[lang];
  for (const part of key.split('.'))
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  if (typeof node !== 'string') return key;
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
