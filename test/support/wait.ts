/**
 * Polling for what workflows write a moment later (activities run in real time, also while a time-skipping server's
 * clock stands still).
 */
export async function eventually<T>(query: () => Promise<T>, done: (v: T) => boolean, tries = 150): Promise<T> {
  let v = await query();
  for (let i = 0; i < tries && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await query();
  }
  return v;
}
