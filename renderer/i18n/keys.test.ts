/**
 * Every message key the server can send, and every key the screens ask for, is translated in both languages — so a new
 * key cannot be forgotten. Runs in Node and reads the sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../../electron/api';
import en from './en';
import zhCN from './zh-CN';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string, exts: string[]): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)) && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

function lookup(messages: object, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
}

function leaves(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : leaves(v as object, `${prefix}${k}.`),
  );
}

/** Namespaces of message keys ("validation.required", "centers.codeTaken", …), present and planned. */
const MESSAGE_NAMESPACES = [
  'validation',
  'errors',
  'auth',
  'app',
  'accounts',
  'users',
  'roles',
  'studies',
  'centers',
  'subjects',
  'screening',
  'enrollment',
  'consents',
  'visits',
  'schedule',
  'safety',
  'ae',
  'sae',
  'deviations',
  'holidays',
  'ctcae',
  'excel',
  'import',
  'export',
  'audit',
  'settings',
  'backup',
  'restore',
  'signatures',
  'session',
  'lock',
];
// exactly "namespace.key": longer dotted names are metric or file names, not messages
const literal = new RegExp(`['"\`]((?:${MESSAGE_NAMESPACES.join('|')})\\.[A-Za-z]\\w*)['"\`]`, 'g');

/** Message keys in the server's sources: string literals in a message namespace that are not channel or event names. */
function serverMessageKeys(): string[] {
  const notMessages = new Set<string>(channelNames);
  const events = readFileSync(path.join(root, 'electron/api/events.ts'), 'utf8');
  for (const m of events.matchAll(/'([\w]+\.[\w]+)'\s*:/g)) notMessages.add(m[1]!);
  const keys = new Set<string>();
  for (const file of sources('electron', ['.ts'])) {
    for (const m of readFileSync(file, 'utf8').matchAll(literal)) if (!notMessages.has(m[1]!)) keys.add(m[1]!);
  }
  return [...keys].sort();
}

const locales = { 'zh-CN': zhCN, en } as const;

describe('translations', () => {
  const serverKeys = serverMessageKeys();

  it('finds the server keys it is meant to check', () => {
    expect(serverKeys).toEqual(
      expect.arrayContaining([
        'validation.required',
        'validation.reasonRequired',
        'centers.secondLead',
        'errors.notFound',
      ]),
    );
  });

  it.each(Object.entries(locales))('%s translates every message key the server sends', (_name, messages) => {
    const missing = serverKeys.filter((k) => typeof lookup(messages.msg, k) !== 'string');
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(locales))('%s translates every message key the renderer itself uses', (_name, messages) => {
    const keys = sources('renderer', ['.ts', '.tsx']).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/messageKey: '([\w.]+)'/g)].map((m) => m[1]!),
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => typeof lookup(messages.msg, k) !== 'string')).toEqual([]);
  });

  it('has every key the screens ask for by name', () => {
    const keys = new Set(
      sources('renderer', ['.tsx', '.ts']).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g)].map((m) => m[1]!),
      ),
    );
    expect(keys.size).toBeGreaterThan(20);
    expect([...keys].filter((k) => typeof lookup(zhCN, k) !== 'string')).toEqual([]);
  });

  it('gives both languages the same keys and the same {{params}}', () => {
    expect(leaves(en).sort()).toEqual(leaves(zhCN).sort());
    const params = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const differing = leaves(zhCN).filter(
      (k) => JSON.stringify(params(lookup(zhCN, k))) !== JSON.stringify(params(lookup(en, k))),
    );
    expect(differing).toEqual([]);
  });
});
