// A node:test reporter that only counts leaf tests and writes one JSON line
// {passed, failed, skipped, todo, failures:[names]} at the end. run-tests.mjs
// turns it into the closing "N passed, N failed, N skipped" line.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue;
    // a hook or file-level failure surfaces as a failed "test" too: count it
    if (d.todo !== undefined && d.todo !== false) counts.todo += 1;
    else if (d.skip !== undefined && d.skip !== false) counts.skipped += 1;
    else if (event.type === 'test:pass') counts.passed += 1;
    else {
      counts.failed += 1;
      counts.failures.push(`${d.file ?? ''} › ${d.name}`);
    }
  }
  yield `${JSON.stringify(counts)}\n`;
}
