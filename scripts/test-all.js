#!/usr/bin/env node
// Runs every suite (static checks, unit/integration, end-to-end), keeps going past a failing one so
// a single run shows everything, and ends with one summary line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';

const results = [];
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** `report` reads the runner's JSON report once: its counts and its failed tests, or null. */
function step(name, cmd, args, { report } = {}) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const ok = r.status === 0;
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  let c = { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  let failures = [];
  const parsed = report?.();
  if (parsed) {
    // A runner that crashed before writing its report still counts as a failure.
    c = { ...parsed.counts, failed: parsed.counts.failed + (ok || parsed.counts.failed > 0 ? 0 : 1) };
    failures = parsed.failures;
  }
  results.push({ name, ok, seconds, ...c, failures });
  process.stdout.write(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s\n`);
}

/**
 * Real camera clips for the video tests come from Debian packages (scripts/fetch-footage.sh, which
 * does nothing when they are there). Exit 2: not Debian/Ubuntu; 3: apt could not download them,
 * where missing or stale package lists are the usual cause, so root (CI, containers) updates them
 * once and tries again; nobody else gets apt-get run for them.
 */
function fetchFootage() {
  const name = 'footage';
  process.stdout.write(`\n=== ${name}: bash scripts/fetch-footage.sh\n`);
  const t0 = Date.now();
  const fetchOnce = () => spawnSync('bash', ['scripts/fetch-footage.sh'], { stdio: 'inherit', env: process.env });
  let r = fetchOnce();
  const root = process.getuid?.() === 0;
  if (r.status === 3 && root) {
    process.stdout.write(`=== ${name}: running apt-get update (as root) and trying again\n`);
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    if (update.status === 0) r = fetchOnce();
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    results.push({ name, ok: true, seconds, passed: 1, failed: 0, skipped: 0 });
    process.stdout.write(`=== ${name}: ok in ${seconds} s\n`);
    return;
  }
  const why = r.error
    ? `'bash' could not be started (${r.error.code ?? r.error.message}); the script needs bash, apt-get and dpkg-deb (Debian/Ubuntu)`
    : r.status === 2
      ? 'this is not a Debian/Ubuntu system: the command named above is missing'
      : r.status === 3
        ? `apt could not download python3-mecavideo and python3-imageio${root ? '' : '; run `sudo apt-get update`, then npm test again'}`
        : `scripts/fetch-footage.sh failed (exit ${r.status ?? r.signal})`;
  const skipping = process.env.FRAMEWISE_SKIP_FOOTAGE === '1';
  process.stdout.write(
    `=== ${name}: no real test footage: ${why}.\n` +
      `    Without it test/video/footage.test.ts and the real-footage part of test/features/quantize-int8.test.ts\n` +
      `    ${skipping ? 'are skipped (FRAMEWISE_SKIP_FOOTAGE=1)' : 'fail, saying what is missing'}; everything else runs. To provide the clips yourself,\n` +
      `    put them in a folder and set FRAMEWISE_FOOTAGE_DIR to it (the list: scripts/fetch-footage.sh)` +
      `${skipping ? '.' : ';\n    to skip those tests on purpose, set FRAMEWISE_SKIP_FOOTAGE=1.'}\n`,
  );
  results.push({ name, ok: skipping, seconds, passed: 0, failed: skipping ? 0 : 1, skipped: skipping ? 1 : 0 });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The first lines of a failure message: enough to tell a timeout from a wrong answer in a CI tail. */
const firstLines = (text) =>
  String(text ?? '')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 3)
    .map((l) => l.slice(0, 300));

function vitestFailures(j) {
  const out = [];
  for (const file of j.testResults ?? []) {
    const rel = file.name.replace(`${process.cwd()}/`, '');
    for (const a of file.assertionResults ?? [])
      if (a.status === 'failed') out.push({ where: `${rel} > ${a.fullName}`, why: firstLines(a.failureMessages?.[0]) });
    // A file that failed to load has no assertions to blame.
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'))
      out.push({ where: rel, why: firstLines(file.message) });
  }
  return out;
}

function playwrightFailures(j) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'unexpected') {
          const last = t.results?.[t.results.length - 1];
          out.push({ where: `${spec.file}:${spec.line} > ${spec.title}`, why: firstLines(last?.error?.message) });
        }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of j.suites ?? []) walk(s);
  return out;
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

const only = process.argv.slice(2);
const want = (s) => only.length === 0 || only.includes(s);

if (want('static')) {
  step('typecheck', npx, ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  if (existsSync('renderer/tsconfig.node.json'))
    step('typecheck config', npx, ['tsc', '--noEmit', '-p', 'renderer/tsconfig.node.json']);
  if (existsSync('renderer/tsconfig.json'))
    step('svelte-check', npx, ['svelte-check', '--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings']);
  step('eslint', npx, ['eslint', '.']);
  step('prettier', npx, ['prettier', '--check', '.']);
}
if (want('build')) step('build', 'npm', ['run', 'build']);
// Only the unit suite reads real footage (test/fixtures/footage.ts); e2e generates its videos.
if (want('unit') || want('footage')) fetchFootage();
if (want('unit')) {
  step('vitest', npx, ['vitest', 'run'], {
    report: () => {
      const j = readJson('test-results/vitest.json');
      return j
        ? {
            counts: {
              passed: j.numPassedTests,
              failed: j.numFailedTests,
              skipped: j.numPendingTests + (j.numTodoTests ?? 0),
            },
            failures: vitestFailures(j),
          }
        : null;
    },
  });
}
if (want('e2e') && existsSync('playwright.config.ts')) {
  step('playwright', npx, ['playwright', 'test'], {
    report: () => {
      const j = readJson('test-results/playwright.json');
      return j?.stats
        ? {
            counts: {
              passed: j.stats.expected + (j.stats.flaky ?? 0),
              failed: j.stats.unexpected,
              skipped: j.stats.skipped,
            },
            failures: playwrightFailures(j),
          }
        : null;
    },
  });
}

const sum = (k) => results.reduce((a, r) => a + r[k], 0);
// Named here, next to the summary, because CI keeps only the tail of a run.
const failures = results.flatMap((r) => r.failures ?? []);
if (failures.length) {
  process.stdout.write('\n=== failed tests\n');
  for (const f of failures) process.stdout.write(`  ✗ ${f.where}\n${f.why.map((l) => `      ${l}\n`).join('')}`);
}
process.stdout.write('\n=== summary\n');
for (const r of results) {
  process.stdout.write(
    `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(16)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds} s\n`,
  );
}
const failed = sum('failed');
process.stdout.write(`${sum('passed')} passed, ${failed} failed, ${sum('skipped')} skipped\n`);
process.exit(failed > 0 || results.some((r) => !r.ok) ? 1 : 0);
