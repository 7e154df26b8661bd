import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../src/model/errors.ts';

test('docs/errors.md lists exactly the codes of the registry', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
  const registered = new Set(Object.keys(ERROR_CODES));
  assert.deepEqual([...registered].filter((c) => !documented.has(c)), [], 'codes missing from docs/errors.md (run scripts/errors-doc.ts)');
  assert.deepEqual([...documented].filter((c) => !registered.has(c)), [], 'codes documented but not registered');
});
