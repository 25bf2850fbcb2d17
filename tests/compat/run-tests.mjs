#!/usr/bin/env node
// Runs every test/*.test.mjs with node's built-in test runner (spec output),
// then prints a closing "compat: N passed, N failed, N skipped" line and exits
// non-zero if anything failed. Each test file starts its own gatehouse server.
//
//   GATEHOUSE_BIN=/path/to/gatehouse npm test [-- test/core-js.test.mjs …]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.GATEHOUSE_BIN;
if (!bin || !existsSync(resolve(bin))) {
  console.error(`GATEHOUSE_BIN must name the gatehouse binary (got ${bin ? JSON.stringify(bin) : 'nothing'}).\n` +
    'usage: GATEHOUSE_BIN=/path/to/gatehouse npm test');
  process.exit(2);
}

const requested = process.argv.slice(2);
const files = requested.length > 0
  ? requested
  : readdirSync(join(here, 'test')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join('test', f));

const tmp = mkdtempSync(join(tmpdir(), 'gh-compat-report-'));
const countsFile = join(tmp, 'counts.json');
const concurrency = process.env.COMPAT_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, [
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${join(here, 'lib', 'count-reporter.mjs')}`, `--test-reporter-destination=${countsFile}`,
  ...files,
], { cwd: here, stdio: 'inherit', env: { ...process.env, GATEHOUSE_BIN: resolve(bin) } });

let counts;
try {
  counts = JSON.parse(readFileSync(countsFile, 'utf8'));
} catch {
  counts = null;
}
rmSync(tmp, { recursive: true, force: true });

if (!counts) {
  console.log('compat: the test runner produced no results');
  process.exit(r.status || 1);
}
if (counts.failures.length > 0) {
  console.log('\nFailed tests:');
  for (const f of counts.failures) console.log(`  ✖ ${f}`);
}
if (counts.todo > 0) console.log(`\n${counts.todo} todo test(s) (not implemented by the server yet; counted as skipped)`);
console.log(`compat: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped + counts.todo} skipped`);
process.exit(counts.failed > 0 || r.status !== 0 ? 1 : 0);
