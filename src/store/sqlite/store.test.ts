import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../conformance/index.ts';
import { openSqliteStore } from './index.ts';

runStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-store-'));
  const store = openSqliteStore({ path: join(dir, 'meterstack.db') });
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
