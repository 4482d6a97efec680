/**
 * electron-builder.yml, loaded and validated by electron-builder's own code (app-builder-lib's config loader and its
 * ajv validation against scheme.json, as `electron-builder` does before packaging), and the settings TrialDesk relies on.
 */
import { DebugLogger } from 'builder-util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';

const root = path.resolve(import.meta.dirname, '..');
const load = () => getConfig(root, path.join(root, 'electron-builder.yml'), null);

interface FileSet {
  from?: string;
  to?: string;
  filter?: string[];
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is really checked: a misspelt option is refused', async () => {
    const config = await load();
    const broken = { ...config, nsis: { ...config.nsis, oneClik: true } } as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.nsis/);
  });

  it('identifies the app and writes to release/', async () => {
    const config = await load();
    expect(config.appId).toBe('cn.trialdesk.app');
    expect(config.productName).toBe('TrialDesk');
    expect(config.directories?.output).toBe('release');
  });

  it('packs only the bundles, the interface, the migrations and package.json, in an asar', async () => {
    const config = await load();
    expect(config.asar).toBe(true);
    const patterns = (config.files as FileSet[]).flatMap((f) => f.filter ?? []);
    expect(patterns).toEqual(
      expect.arrayContaining(['package.json', 'dist-electron/**', 'dist/renderer/**', 'db/migrations/**']),
    );
    // no sources
    for (const p of patterns.filter((x) => !x.startsWith('!'))) expect(p).not.toMatch(/^(electron|renderer|e2e)\//);
    expect(patterns).toContain('!dist-electron/**/*.map');
    // of node_modules, only better-sqlite3's JavaScript and its loader (main.cjs bundles the rest)
    expect(patterns).toEqual(
      expect.arrayContaining([
        '!**/node_modules/**',
        '**/node_modules/{better-sqlite3,bindings,file-uri-to-path}/**',
        '!**/node_modules/better-sqlite3/{build,deps,src}/**',
      ]),
    );
    const bundler = readFileSync(path.join(root, 'build/bundle-electron.mjs'), 'utf8');
    expect(bundler).toContain("external: ['electron', 'better-sqlite3']");
  });

  it('ships our Electron-ABI SQLite module outside the asar, and rebuilds nothing', async () => {
    const config = await load();
    expect(config.asarUnpack).toEqual(['**/*.node']);
    expect(config.extraResources).toEqual([
      { from: 'build/native/electron', to: 'native', filter: ['better_sqlite3.node'] },
    ]);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    // where electron/main/locations.ts looks for it when packaged
    const locations = readFileSync(path.join(root, 'electron/main/locations.ts'), 'utf8');
    expect(locations).toContain("path.join(opts.resourcesPath, 'native', NATIVE_MODULE_FILE)");
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; asar-only with integrity; encrypted cookies', async () => {
    const config = await load();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('installs per user on Windows, without elevation, keeping the data on uninstall', async () => {
    const config = await load();
    expect(config.win?.target).toBe('nsis');
    expect(config.nsis).toMatchObject({
      oneClick: true,
      perMachine: false,
      allowElevation: false,
      deleteAppDataOnUninstall: false,
    });
  });

  it('builds an AppImage and a deb on Linux', async () => {
    const config = await load();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Office');
    expect(config.linux?.desktop?.entry?.Categories).toMatch(/Science/);
  });

  it('has a 512×512 PNG icon', async () => {
    const config = await load();
    for (const icon of [config.win?.icon, config.linux?.icon]) {
      const png = readFileSync(path.join(root, icon!));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    }
  });
});
