import type { TestProject } from 'vitest/node';

// Placeholder: replaced by the server set-up (PostgreSQL, Temporal dev server, time-skipping server).
export default async function setup(_project: TestProject) {
  return async () => {};
}
