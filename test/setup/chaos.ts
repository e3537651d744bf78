/**
 * Global setup of `npm run test:chaos` (vitest.chaos.config.ts): the same servers as the integration project
 * (PostgreSQL, the Temporal dev server, the workflow bundle), started by test/setup/global.ts, which picks servers by
 * the names of the selected projects.
 */
import type { TestProject } from 'vitest/node';
import setup from './global';

const bound = <T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T =>
  new Proxy(target, {
    get(t, key) {
      if (key in overrides) return overrides[key];
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });

export default function chaosSetup(project: TestProject) {
  const vitest = bound(project.vitest, { projects: [{ name: 'integration' }] });
  return setup(bound(project, { vitest }));
}
