/**
 * Records the histories test/integration/workflow-replay.test.ts replays: with RECORD_HISTORIES=1, a test that ran a
 * case through the steps worth keeping writes its workflow's history to test/integration/histories/<name>.pb (binary
 * `temporal.api.history.v1.History`). Without it, nothing is written. Re-record after a deliberate change of a
 * workflow's commands (and say in the README what running cases of the earlier version need).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';

export const RECORDING = process.env.RECORD_HISTORIES === '1';

export async function recordHistory(name: string, handle: { fetchHistory(): Promise<unknown> }): Promise<void> {
  if (!RECORDING) return;
  const history = (await handle.fetchHistory()) as temporal.api.history.v1.IHistory;
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  writeFileSync(join(import.meta.dirname, '..', 'integration', 'histories', `${name}.pb`), bytes);
}
