/**
 * The city agencies (`agency.level = 'city'`): each pays its own beneficiaries through the bank (Art. 39) and has its
 * own standing jobs (the pay-day loop, the yearly job-retention screening), set up by the start command.
 */
import { createDb } from './db';

export async function cityAgencyCodes(databaseUrl: string): Promise<string[]> {
  const db = createDb(databaseUrl, { poolMax: 1 });
  try {
    const rows = await db.agency.findMany({
      where: { level: 'city' },
      select: { code: true },
      orderBy: { code: 'asc' },
    });
    return rows.map((r) => r.code);
  } finally {
    await db.$disconnect();
  }
}
