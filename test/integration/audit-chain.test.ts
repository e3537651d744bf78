/**
 * The audit trail as a hash chain (issue 9; Art. 78, 93) on real PostgreSQL: concurrent writers append one after
 * another without forking the chain; a row edited, deleted or written around lib/audit.ts is reported by
 * GET /audit/verify as the first broken link.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { audit, auditRowHash, verifyAuditChain } from '../../lib/audit';
import { canonicalJson } from '../../lib/canonical-json';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { uniqueTaskQueue } from '../support/temporal';
import { userWithToken } from '../support/users';

let tdb: TestDatabase;
let api: RunningApi;
let auditor: Record<string, string>;
let clerk: Record<string, string>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue: uniqueTaskQueue('audit'),
  });
  auditor = (await userWithToken(tdb.db, api.url, { username: 'auditor.p', agencyCode: '210000', roles: ['auditor'] }))
    .headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'clerk.p', agencyCode: '210000', roles: ['reviewer'] }))
    .headers;
});
afterAll(async () => {
  await api?.close();
  await tdb?.drop();
});

const verify = async (headers = auditor) => {
  const res = await fetch(`${api.url}/audit/verify`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

/** Runs SQL as a superuser would, with the append-only trigger out of the way (an attacker with database rights). */
async function tamper(url: string, sql: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(sql, values);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}

const entry = (i: number) => ({
  actor: { id: null, username: `writer-${i}` },
  action: 'test_action',
  entity: 'test',
  entityId: String(i),
  before: { n: i, nested: { b: [1, 2.5, 'x'], a: null } },
  after: { n: i + 1, text: '数据维护' },
  reason: 'concurrency check',
});

describe('canonical JSON (the hashed form)', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[3,{"z":1}]},"b":1}',
    );
  });
});

describe('the hash chain (Art. 78, 93)', () => {
  it('chains 40 concurrent writers one after another: no fork, every row names the hash of the row before it', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit(tdb.db, entry(i))));
    const rows = await tdb.sql<{ id: string; prev_hash: string | null; hash: string }>(
      'SELECT id, prev_hash, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id',
    );
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(rows[0]!.prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    // No two rows continue the same predecessor.
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(rows.length);
    const [head] = await tdb.sql<{ last_id: string; last_hash: string }>(
      'SELECT last_id, last_hash FROM audit_chain_head',
    );
    expect(head).toEqual({ last_id: rows.at(-1)!.id, last_hash: rows.at(-1)!.hash });
  });

  it('writes the entry and the chain in the caller’s transaction: a rolled-back transaction leaves neither', async () => {
    const before = await tdb.sql<{ last_id: string }>('SELECT last_id FROM audit_chain_head');
    await expect(
      tdb.db.$transaction(async (tx) => {
        await audit(tx, entry(999));
        throw new Error('the change it describes failed');
      }),
    ).rejects.toThrow(/failed/);
    expect(await tdb.sql("SELECT 1 FROM audit_log WHERE entity_id = '999'")).toEqual([]);
    expect(await tdb.sql<{ last_id: string }>('SELECT last_id FROM audit_chain_head')).toEqual(before);
  });

  it('recomputes each stored row’s hash from its content as read back', async () => {
    const rows = await tdb.db.auditLog.findMany({ where: { hash: { not: null } }, orderBy: { id: 'asc' } });
    for (const r of rows) expect(auditRowHash(r)).toBe(r.hash);
  });

  it('GET /audit/verify: ok on an untouched trail; auditors only', async () => {
    const { status, body } = await verify();
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.firstBroken).toBeNull();
    const [{ n }] = (await tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')) as [{ n: number }];
    expect(body.rows).toBe(n);
    expect((await verify(clerk)).status).toBe(403);
    expect((await fetch(`${api.url}/audit/verify`)).status).toBe(401);
  });

  it('reports a row edited directly in PostgreSQL as the first broken link (hash_mismatch)', async () => {
    const [victim] = await tdb.sql<{ id: string }>(
      "SELECT id FROM audit_log WHERE entity_id = '7' AND action = 'test_action'",
    );
    await tamper(tdb.url, `UPDATE audit_log SET reason = 'nothing happened' WHERE id = $1`, [victim!.id]);
    const { status, body } = await verify();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, firstBroken: { id: victim!.id, reason: 'hash_mismatch' } });
  });
});

describe('deletions and rows written around the chain (Art. 78)', () => {
  let scratch: TestDatabase;
  beforeAll(async () => {
    scratch = await createTestDatabase();
  });
  afterAll(async () => scratch?.drop());

  it('a deleted row breaks the next row’s link; a deleted tail breaks the head; a row without hash is unchained', async () => {
    for (let i = 0; i < 6; i++) await audit(scratch.db, entry(i));
    expect(await verifyAuditChain(scratch.db)).toMatchObject({ ok: true, firstBroken: null });
    const ids = (await scratch.sql<{ id: string }>('SELECT id FROM audit_log WHERE hash IS NOT NULL ORDER BY id')).map(
      (r) => r.id,
    );

    await tamper(scratch.url, 'DELETE FROM audit_log WHERE id = $1', [ids.at(-1)]);
    expect((await verifyAuditChain(scratch.db)).firstBroken).toEqual({ id: ids.at(-1), reason: 'head_mismatch' });

    await tamper(scratch.url, 'DELETE FROM audit_log WHERE id = $1', [ids[2]]);
    expect((await verifyAuditChain(scratch.db)).firstBroken).toEqual({ id: ids[3], reason: 'prev_hash_mismatch' });

    await tamper(
      scratch.url,
      `INSERT INTO audit_log (id, at, actor_name, action, entity, entity_id) VALUES ($1, now(), 'x', 'forged', 'test', 'x')`,
      [ids[2]],
    );
    expect((await verifyAuditChain(scratch.db)).firstBroken).toEqual({ id: ids[2], reason: 'unchained' });
  });
});
