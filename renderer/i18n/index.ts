/**
 * i18next, dayjs and antd switch language together. The workstation's choice is stored by the server (`app.setLocale`),
 * so it survives restarts and applies on the sign-in screen too.
 */
import enUS from 'antd/locale/en_US';
import zhCN_antd from 'antd/locale/zh_CN';
import type { ConfigProviderProps } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/en';
import 'dayjs/locale/zh-cn';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../electron/api';
import en from './en';
import zhCN from './zh-CN';

dayjs.extend(customParseFormat);

export const resources = { 'zh-CN': { translation: zhCN }, en: { translation: en } } as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  // React escapes what it renders
  interpolation: { escapeValue: false },
  returnNull: false,
});

type AntdLocale = NonNullable<ConfigProviderProps['locale']>;
const antdLocales: Record<Locale, AntdLocale> = { 'zh-CN': zhCN_antd, en: enUS };
const dayjsLocales: Record<Locale, string> = { 'zh-CN': 'zh-cn', en: 'en' };

export function antdLocale(locale: Locale): AntdLocale {
  return antdLocales[locale];
}

/** Switches every text, date format and antd component at once. */
export function applyLocale(locale: Locale): void {
  dayjs.locale(dayjsLocales[locale]);
  document.documentElement.lang = locale;
  void i18n.changeLanguage(locale);
  const t = i18n.getFixedT(locale);
  document.title = `${t('app.name')} ${t('app.subtitle')}`;
}

export default i18n;
