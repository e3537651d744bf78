/**
 * Processes started by the start command run in their own process group (so Ctrl-C reaches only the start command,
 * which stops them in order). If the start command itself dies without stopping them (killed, crashed), they must
 * not live on as orphans: each watches its parent and stops itself when the parent is gone.
 */
export function exitWithParent(onParentGone: () => void, intervalMs = 1_000): void {
  const parent = Number(process.env.UI_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      onParentGone();
    }
  }, intervalMs);
  timer.unref();
}
