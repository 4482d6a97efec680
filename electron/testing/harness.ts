/**
 * Test harness: a real SQLite file in a temp dir, built by the real migrations, and calls through the real handler
 * table — as a host makes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelName, InputOf, OutputOf, ApiResult } from '../api';
import { openDatabase, type OpenedDatabase } from '../../db/open';
import { dispatch, type HostContext, type Session } from '../handlers';

export interface Harness {
  dir: string;
  file: string;
  opened: OpenedDatabase;
  host: HostContext;
  session: Session;
  /** raw envelope, for asserting refusals */
  send(channel: string, payload: unknown, session?: Session): Promise<ApiResult<unknown>>;
  /** typed call that throws on a refusal */
  call<C extends ChannelName>(channel: C, input: InputOf<C>, session?: Session): Promise<OutputOf<C>>;
  cleanup(): void;
}

export const ADMIN = { username: 'admin', displayName: '王管理', password: 'Ward-station-2026' };

export async function createHarness(opts: { signedIn?: boolean; now?: () => Date } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-test-'));
  const file = path.join(dir, 'trialdesk.sqlite');
  const opened = await openDatabase(file);
  const host: HostContext = { db: opened.db, host: 'cli', version: 'test', now: opts.now };
  const session: Session = { user: null };
  const send = (channel: string, payload: unknown, s: Session = session) => dispatch(host, s, channel, payload);
  const call = async <C extends ChannelName>(channel: C, input: InputOf<C>, s: Session = session) => {
    const r = await send(channel, input, s);
    if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
    return r.value as OutputOf<C>;
  };
  if (opts.signedIn !== false) await call('auth.setup', ADMIN);
  return {
    dir,
    file,
    opened,
    host,
    session,
    send,
    call,
    cleanup: () => {
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const aStudy = (over: Partial<InputOf<'studies.create'>> = {}): InputOf<'studies.create'> => ({
  protocolNumber: 'HR-ITP-III-01',
  title: '评估海曲泊帕治疗成人慢性原发免疫性血小板减少症的多中心随机双盲III期研究',
  shortTitle: 'ITP-海曲泊帕 III期',
  sponsor: '恒瑞医药',
  cro: '泰格医药',
  phase: 'III',
  indication: '慢性原发免疫性血小板减少症',
  therapeuticArea: 'itp_bleeding',
  registrationNumber: 'CTR20241234',
  sitePi: '张磊',
  ethicsApprovalDate: '2024-03-05',
  protocolVersion: 'V2.0',
  protocolVersionDate: '2024-02-20',
  enrollmentTarget: 40,
  ...over,
});

export const aCenter = (studyId: number, over: Partial<InputOf<'centers.create'>> = {}): InputOf<'centers.create'> => ({
  studyId,
  code: '01',
  hospitalName: '中国医学科学院血液病医院',
  city: '天津',
  pi: '张磊',
  isLead: true,
  isOwn: true,
  enrollmentTarget: 20,
  hardCap: 24,
  activationDate: '2024-04-01',
  ...over,
});
