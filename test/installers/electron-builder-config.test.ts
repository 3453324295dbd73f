/**
 * electron-builder.yml, checked with electron-builder's own code (app-builder-lib, installed with
 * electron-builder): its config loader and schema validation, and the file matchers it builds the
 * app from. No Electron binary is needed; `npm run dist` itself is covered in docs/releasing.md.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_LINK_EXTENSION, PROJECT_LINK_MIME_TYPE } from '../../src/store/project-link.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const requireCjs = createRequire(import.meta.url);

// ---- the parts of app-builder-lib used here (CommonJS, untyped from this side) -----------------

type Config = Record<string, unknown> & {
  directories?: { output?: string; buildResources?: string };
  files?: unknown;
  asarUnpack?: string[];
  fileAssociations?: Record<string, unknown>[];
  linux?: PlatformOptions;
  mac?: PlatformOptions;
  win?: PlatformOptions;
};
type PlatformOptions = Record<string, unknown> & { target?: { target: string; arch?: string[] }[] };
interface FileMatcher {
  from: string;
  patterns: string[];
  createFilter(): (file: string, stat: FileStat) => boolean;
}
/** What electron-builder's filters read from a stat (moduleFullFilePath: set for node_modules files). */
type FileStat = Pick<Stats, 'isDirectory'> & { moduleFullFilePath?: string };

const { getConfig, validateConfiguration } = requireCjs('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const { getMainFileMatchers, getNodeModuleFileMatcher, getFileMatchers } = requireCjs(
  'app-builder-lib/out/fileMatcher.js',
) as {
  getMainFileMatchers(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformOptions: PlatformOptions,
    platformPackager: { info: PackagerInfo },
    outDir: string,
    isElectronCompile: boolean,
  ): FileMatcher[];
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformOptions: PlatformOptions,
    info: PackagerInfo,
  ): FileMatcher;
  getFileMatchers(
    config: Config,
    name: string,
    destination: string,
    options: {
      macroExpander: (pattern: string) => string;
      customBuildOptions: PlatformOptions;
      globalOutDir: string;
      defaultSrc: string;
    },
  ): FileMatcher[] | null;
};
interface PackagerInfo {
  projectDir: string;
  buildResourcesDir: string;
  isPrepackedAppAsar: boolean;
  config: Config;
  debugLogger: { isEnabled: boolean; add(): void };
}

const silentLogger = { isEnabled: false, add: (): void => undefined };

/** electron-builder's config key and the matching process.platform (what `${platform}` becomes). */
const PLATFORMS = [
  { key: 'linux', platform: 'linux' },
  { key: 'mac', platform: 'darwin' },
  { key: 'win', platform: 'win32' },
] as const;

/** The macros our globs use, expanded as when building on `platform` (electron-builder: process.platform). */
function expanderFor(platform: string): (pattern: string) => string {
  return (pattern) =>
    pattern.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
      if (name === 'platform') return platform;
      throw new Error(`unexpected macro \${${name}} in a file pattern`);
    });
}

async function loadConfig(): Promise<Config> {
  return getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
}

const DEST = path.join(ROOT, '.tmp', 'never-written', 'resources', 'app');

function fakeInfo(config: Config): PackagerInfo {
  return { projectDir: ROOT, buildResourcesDir: 'build', isPrepackedAppAsar: false, config, debugLogger: silentLogger };
}

function fileStat(relative?: string): FileStat {
  return { isDirectory: () => false, moduleFullFilePath: relative };
}

/** electron-builder's filter over the app's own files (node_modules are a separate set). */
function appFilter(
  config: Config,
  key: string,
  platform: string,
): { matchers: FileMatcher[]; includes: (rel: string) => boolean } {
  const outDir = path.resolve(ROOT, config.directories?.output ?? 'dist');
  const platformOptions = (config[key] ?? {}) as PlatformOptions;
  const matchers = getMainFileMatchers(
    ROOT,
    DEST,
    expanderFor(platform),
    platformOptions,
    { info: fakeInfo(config) },
    outDir,
    false,
  );
  const filters = matchers.map((m) => m.createFilter());
  return { matchers, includes: (rel) => filters.some((f) => f(path.join(ROOT, rel), fileStat())) };
}

/** electron-builder's filter over production dependencies' files. */
function nodeModulesFilter(config: Config, key: string, platform: string): (rel: string) => boolean {
  const platformOptions = (config[key] ?? {}) as PlatformOptions;
  const filter = getNodeModuleFileMatcher(
    ROOT,
    DEST,
    expanderFor(platform),
    platformOptions,
    fakeInfo(config),
  ).createFilter();
  return (rel) => filter(path.join(ROOT, rel), fileStat(rel));
}

/** electron-builder's asarUnpack filter; for node_modules files it matches on the path from the app root. */
function unpackFilter(config: Config, key: string, platform: string): (rel: string) => boolean {
  const matchers = getFileMatchers(config, 'asarUnpack', DEST, {
    macroExpander: expanderFor(platform),
    customBuildOptions: (config[key] ?? {}) as PlatformOptions,
    globalOutDir: path.resolve(ROOT, config.directories?.output ?? 'dist'),
    defaultSrc: ROOT,
  });
  const first = matchers?.[0];
  if (!first) return () => false;
  const filter = first.createFilter();
  return (rel) => {
    const abs = path.join(ROOT, rel);
    const real = existsSync(abs) ? lstatSync(abs) : undefined;
    const stat: FileStat = real ? Object.assign(real, { moduleFullFilePath: rel }) : fileStat(rel);
    return filter(abs, stat);
  };
}

function walkFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

const ORT_BIN = path.join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6');
/** onnxruntime-node's native files per OS folder, relative to the project root. */
function ortBinaries(): Map<string, string[]> {
  const byOs = new Map<string, string[]>();
  for (const os of readdirSync(ORT_BIN)) {
    byOs.set(
      os,
      walkFiles(path.join(ORT_BIN, os)).map((f) => path.relative(ROOT, f).split(path.sep).join('/')),
    );
  }
  return byOs;
}

// ---- tests -----------------------------------------------------------------------------------------

describe('electron-builder.yml', () => {
  it("passes electron-builder's own loading and schema validation, which does reject a bad option", async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, silentLogger)).resolves.toBeUndefined();
    // The validator really is strict: an unknown option in the same place fails.
    const broken = { ...config, linux: { ...config.linux, notAnOption: true } };
    await expect(validateConfiguration(broken, silentLogger)).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds AppImage + deb, dmg and nsis, with an app id, product name and icon', async () => {
    const config = await loadConfig();
    const targets = (key: 'linux' | 'mac' | 'win'): string[] => (config[key]?.target ?? []).map((t) => t.target);
    expect(targets('linux')).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targets('mac')).toContain('dmg');
    expect(targets('win')).toContain('nsis');
    expect(config['appId']).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
    expect(config['productName']).toBe('Framewise');
    for (const key of ['linux', 'mac', 'win'] as const) expect(config[key]?.['icon']).toBe('build/icon.png');
  });

  it('has a 512x512 PNG icon that is small enough to commit', () => {
    const png = readFileSync(path.join(ROOT, 'build/icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(png.length).toBeLessThan(30 * 1024);
  });

  it('associates .framewise project links with the MIME type the app code uses', async () => {
    const config = await loadConfig();
    const assoc = config.fileAssociations?.find((a) => a['ext'] === PROJECT_LINK_EXTENSION.slice(1));
    expect(assoc).toBeDefined();
    expect(assoc?.['mimeType']).toBe(PROJECT_LINK_MIME_TYPE);
    expect(assoc?.['name']).toEqual(expect.any(String));
  });

  it('writes installers outside dist/ (the compiled core, which must stay in the app)', async () => {
    const config = await loadConfig();
    const out = path.resolve(ROOT, config.directories?.output ?? 'dist');
    expect(path.relative(path.join(ROOT, 'dist'), out).startsWith('..')).toBe(true);
  });

  describe.each(PLATFORMS)('app files on $key', ({ key, platform }) => {
    it('are one file set (platform-level "files" would add a second that takes everything)', async () => {
      const { matchers } = appFilter(await loadConfig(), key, platform);
      expect(matchers).toHaveLength(1);
    });

    it('include what Electron loads: package.json main, preload, renderer, the core in dist/, the manifests', async () => {
      const config = await loadConfig();
      const { includes } = appFilter(config, key, platform);
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
      for (const rel of [
        'package.json',
        pkg.main,
        'out/main/index.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
        'dist/services/core-services.js',
        'dist/training/worker.js',
        'dist/features/backbones/registry.js',
        'models/mobilenet_v2_nsfwjs.json',
        'models/inception_v3_nsfwjs.json',
      ]) {
        expect(includes(rel), rel).toBe(true);
      }
    });

    it('leave out sources, tests, caches, build resources and the release output itself', async () => {
      const config = await loadConfig();
      const { includes } = appFilter(config, key, platform);
      const out = config.directories?.output ?? 'dist';
      for (const rel of [
        'src/errors.ts',
        'main/index.ts',
        'test/installers/electron-builder-config.test.ts',
        'renderer/src/App.svelte',
        '.tmp/anything.mp4',
        'models/.cache/mobilenet_v2_nsfwjs.onnx',
        'build/icon.png',
        'package-lock.json',
        `${out}/Framewise-0.1.0.AppImage`,
        'node_modules/onnxruntime-node/package.json', // node_modules come from the dependency walk instead
      ]) {
        expect(includes(rel), rel).toBe(false);
      }
    });

    it("ship this OS's onnxruntime binaries only, and no source maps from dependencies", async () => {
      const config = await loadConfig();
      const keep = nodeModulesFilter(config, key, platform);
      const byOs = ortBinaries();
      expect(byOs.get(platform)?.length ?? 0, `onnxruntime-node has no ${platform} binaries`).toBeGreaterThan(0);
      for (const [os, files] of byOs) {
        for (const rel of files) expect(keep(rel), rel).toBe(os === platform);
      }
      expect(keep('node_modules/onnxruntime-node/dist/index.js')).toBe(true);
      expect(keep('node_modules/@tensorflow/tfjs/dist/tf.node.js')).toBe(true);
      expect(keep('node_modules/@tensorflow/tfjs/dist/tf.node.js.map')).toBe(false);
    });
  });

  describe('asarUnpack', () => {
    it('unpacks every onnxruntime-node native file (the addon and the libraries it loads from its folder)', async () => {
      const config = await loadConfig();
      for (const { key, platform } of PLATFORMS) {
        const unpacked = unpackFilter(config, key, platform);
        const files = ortBinaries().get(platform) ?? [];
        expect(files.some((f) => /\.(node)$/.test(f))).toBe(true);
        expect(files.some((f) => /\.(so(\.\d+)*|dylib|dll)$/.test(f))).toBe(true);
        for (const rel of files) expect(unpacked(rel), rel).toBe(true);
      }
    });

    it("unpacks ffmpeg-static's binary, under the name the package reports on each OS", async () => {
      const config = await loadConfig();
      const pkgFile = path.join(ROOT, 'node_modules/ffmpeg-static/package.json');
      // Optional dependency: without it the app uses FFMPEG_PATH or PATH, and there is nothing to unpack.
      if (!existsSync(pkgFile)) return;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, { 'executable-base-name'?: string }>;
      const base = pkg['ffmpeg-static']?.['executable-base-name'];
      expect(base).toBe('ffmpeg');
      for (const { key, platform } of PLATFORMS) {
        const unpacked = unpackFilter(config, key, platform);
        const rel = `node_modules/ffmpeg-static/${base}${platform === 'win32' ? '.exe' : ''}`;
        expect(unpacked(rel), rel).toBe(true);
        expect(unpacked('node_modules/ffmpeg-static/index.js')).toBe(false);
      }
    });

    it('keeps JavaScript, workers and manifests in the archive (Electron reads them from there)', async () => {
      const config = await loadConfig();
      const unpacked = unpackFilter(config, 'linux', 'linux');
      for (const rel of [
        'out/main/index.js',
        'dist/training/worker.js',
        'dist/features/engines/onnx-engine.js',
        'models/mobilenet_v2_nsfwjs.json',
        'node_modules/@tensorflow/tfjs/dist/tf.node.js',
      ]) {
        expect(unpacked(rel), rel).toBe(false);
      }
    });
  });
});
