/**
 * Entry of the simulators: `tsx simulators/main.ts`. Environment:
 *   SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_SEED ('ui-case-system'), SIMULATOR_PERSONS (10000),
 *   SIMULATOR_AS_OF (today in Asia/Shanghai), and the bank key shared with the clients: BANK_SIGNING_KEY_ID,
 *   BANK_SIGNING_KEY (unset: bank requests are refused).
 * Logs one line when listening; stops on SIGINT/SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEFAULT_PERSONS, createSimulatorApp } from './app';
import { MAX_PERSONS } from './world';
import { exitWithParent } from '../lib/parent-watch';

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

export const simulatorEnvSchema = z.object({
  SIMULATOR_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(4010)),
  SIMULATOR_HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
  SIMULATOR_SEED: z.preprocess(unsetIfEmpty, z.string().min(1).default('ui-case-system')),
  SIMULATOR_PERSONS: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(1).max(MAX_PERSONS).default(DEFAULT_PERSONS),
  ),
  SIMULATOR_AS_OF: z.preprocess(unsetIfEmpty, z.iso.date().optional()),
  BANK_SIGNING_KEY_ID: z.preprocess(unsetIfEmpty, z.string().min(1).default('dev')),
  BANK_SIGNING_KEY: z.preprocess(unsetIfEmpty, z.string().min(32).optional()),
});

const parsed = simulatorEnvSchema.safeParse(process.env);
if (!parsed.success) {
  const issue = parsed.error.issues[0]!;
  console.error(`simulators: invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const app = createSimulatorApp({
  seed: env.SIMULATOR_SEED,
  persons: env.SIMULATOR_PERSONS,
  ...(env.SIMULATOR_AS_OF ? { asOf: env.SIMULATOR_AS_OF } : {}),
  bankKeys: env.BANK_SIGNING_KEY ? { [env.BANK_SIGNING_KEY_ID]: env.BANK_SIGNING_KEY } : {},
});
const server = app.listen(env.SIMULATOR_PORT, env.SIMULATOR_HOST, (err?: Error) => {
  if (err) {
    console.error(`simulators: cannot listen on ${env.SIMULATOR_HOST}:${env.SIMULATOR_PORT}: ${err.message}`);
    process.exit(1);
  }
  const { port } = server.address() as AddressInfo;
  const { simulator } = app.locals as { simulator: { world: { asOf: string } } };
  console.log(
    `simulators listening on http://${env.SIMULATOR_HOST}:${port} (seed ${env.SIMULATOR_SEED}, ` +
      `${env.SIMULATOR_PERSONS} persons, as of ${simulator.world.asOf}, ` +
      `bank key ${env.BANK_SIGNING_KEY ? env.BANK_SIGNING_KEY_ID : 'not configured: bank requests refused'})`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

// Started by the start command: stop with it, even if it dies without stopping us.
exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
