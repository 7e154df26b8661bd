import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// The import rules of ARCHITECTURE.md §1 (.dependency-cruiser.cjs) are part of the test suite so a
// layering break fails CI like any other regression.
test('the import rules of the architecture hold', () => {
  let out = '';
  try {
    out = execFileSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string };
    assert.fail(`dependency rules violated:\n${err.stdout ?? String(e)}`);
  }
  assert.match(out, /no dependency violations found/);
});
