// A tiny sequential test runner: tests share one server and may build on each
// other's state (the sign-up flow), so they run in order. Prints one line per
// test and a closing "N passed, N failed" line.

const tests = [];

/** Registers a test. `needs` names earlier tests whose failure skips this one. */
export function test(name, fn, { needs = [] } = {}) {
  tests.push({ name, fn, needs });
}

export async function run({ timeoutMs = 120_000 } = {}) {
  const failed = new Set();
  let passed = 0;
  for (const t of tests) {
    const blocker = t.needs.find((n) => failed.has(n));
    if (blocker) {
      failed.add(t.name);
      console.log(`✘ ${t.name}\n    not run: depends on "${blocker}", which failed`);
      continue;
    }
    const started = Date.now();
    try {
      await withTimeout(t.fn(), timeoutMs, t.name);
      passed += 1;
      console.log(`✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed.add(t.name);
      console.log(`✘ ${t.name} (${Date.now() - started} ms)`);
      console.log(indent(error?.stack || String(error)));
    }
  }
  return { passed, failed: failed.size };
}

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name}: timed out after ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return text
    .split('\n')
    .slice(0, 12)
    .map((line) => `    ${line}`)
    .join('\n');
}
