/**
 * Case search over HTTP on real PostgreSQL (issue 10; Art. 5 分级管理, Art. 30 entitlement records not disclosed):
 * POST /cases/search by case number for any staff, by the applicant's ID number or full name only for the roles that
 * handle, audit or supervise claims, names and ID numbers whole only for intake and audit, within the agency's scope,
 * paginated, audited, and nothing personal in the request logs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { residentId } from '../support/fixtures';
import { insertBeneficiaries, type TestBeneficiary } from '../support/payments';
import { devServerEnv, uniqueTaskQueue } from '../support/temporal';
import { userWithToken } from '../support/users';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let api: RunningApi;
const headers: Record<string, Record<string, string>> = {};

/** One person with 23 claims in Shenyang (three pages of 10) and one in Dalian; another person with one claim. */
const ID = residentId('210102', '19850315', '456');
const OTHER_ID = residentId('210103', '19900101', '789');
const mine: TestBeneficiary[] = Array.from({ length: 23 }, (_, i) => ({
  caseNumber: `SYJ-2026-210100-SRCH${String(i).padStart(6, '0')}`,
  agencyCode: '210100',
  name: '李明华',
  accountNumber: '6214830012345678',
  idNumber: ID,
}));
const inDalian: TestBeneficiary = {
  caseNumber: 'SYJ-2026-210200-SRCH000000',
  agencyCode: '210200',
  name: '李明华',
  accountNumber: '6214830012345678',
  idNumber: ID,
};
const other: TestBeneficiary = {
  caseNumber: 'SYJ-2026-210100-SRCHXTHER0',
  agencyCode: '210100',
  name: '王芳',
  accountNumber: '6214830012349999',
  idNumber: OTHER_ID,
};

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue: uniqueTaskQueue('search'),
  });
  await insertBeneficiaries(tdb, [...mine, inDalian, other]);
  for (const role of ['intake', 'reviewer', 'auditor', 'finance', 'administrator'] as const)
    headers[role] = (
      await userWithToken(tdb.db, api.url, { username: `${role}.search`, agencyCode: '210100', roles: [role] })
    ).headers;
});
afterAll(async () => {
  await api?.close();
  await tdb?.drop();
  await env?.teardown();
});

async function search(role: string, body: unknown) {
  const res = await fetch(`${api.url}/cases/search`, {
    method: 'POST',
    headers: headers[role],
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('POST /cases/search (Art. 5, 30)', () => {
  it('finds by ID number within the agency, 10 a page, the person whole for the intake clerk (Art. 30, 34)', async () => {
    const first = await search('intake', { idNumber: ID.toLowerCase(), pageSize: 10 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 10, total: 23 });
    expect(first.body.items).toHaveLength(10);
    expect(first.body.items[0]).toEqual({
      caseNumber: mine[0]!.caseNumber,
      caseType: 'benefit_claim',
      status: 'approved',
      statusLabel: '审核通过',
      agencyCode: '210100',
      createdAt: expect.any(String),
      applicant: { name: '李明华', idNumber: ID, masked: false },
    });
    const last = await search('intake', { idNumber: ID, pageSize: 10, page: 3 });
    expect(last.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual(
      mine.slice(20).map((c) => c.caseNumber),
    );
    // Dalian's case is outside Shenyang's scope (Art. 5).
    const all = [
      ...first.body.items,
      ...(await search('intake', { idNumber: ID, pageSize: 10, page: 2 })).body.items,
      ...last.body.items,
    ];
    expect(new Set(all.map((c: { caseNumber: string }) => c.caseNumber)).size).toBe(23);
    expect(all.some((c: { agencyCode: string }) => c.agencyCode === '210200')).toBe(false);
  });

  it('shows a reviewer the person masked, and finds by full name only (Art. 30)', async () => {
    const res = await search('reviewer', { name: '王芳' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      caseNumber: other.caseNumber,
      applicant: { name: '王*', idNumber: `210103********${OTHER_ID.slice(-4)}`, masked: true },
    });
    expect(JSON.stringify(res.body)).not.toContain(OTHER_ID);
    expect((await search('reviewer', { name: '王' })).body.total).toBe(0);
  });

  it('lets finance and the administrator search by case number but not by a person: 403 naming the field', async () => {
    const byNumber = await search('finance', { caseNumber: other.caseNumber.toLowerCase() });
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.items[0]).toMatchObject({ caseNumber: other.caseNumber, applicant: { masked: true } });
    for (const role of ['finance', 'administrator']) {
      const res = await search(role, { idNumber: ID });
      expect(res.status).toBe(403);
      expect(res.body.error.fields).toEqual([{ path: 'idNumber', message: '您的岗位不能按此条件查询' }]);
    }
  });

  it('refuses bad input with 400 naming the field and the rule', async () => {
    const none = await search('intake', {});
    expect(none.status).toBe(400);
    expect(none.body.error.fields).toEqual([
      { path: 'caseNumber', message: '案件编号、证件号码、姓名三者须且只须填写一项' },
    ]);
    const two = await search('intake', { idNumber: ID, name: '李明华' });
    expect(two.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['idNumber', 'name']);
    const bad = await search('intake', { caseNumber: 'X-1', pageSize: 500, page: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'caseNumber', message: expect.stringContaining('须为案件编号') },
        { path: 'pageSize', message: '不能大于50' },
        { path: 'page', message: '须不小于1' },
      ]),
    );
    expect((await search('intake', { idNumber: '21-01' })).body.error.fields[0]).toEqual({
      path: 'idNumber',
      message: '须为证件号码（5至32位数字或大写字母）',
    });
  });

  it('audits a search by a person without the value, and keeps names and ID numbers out of the logs (Art. 30, 78)', async () => {
    const before = await tdb.sql<{ n: string }>(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'case_search_by_person'",
    );
    await search('auditor', { idNumber: OTHER_ID });
    const rows = await tdb.sql<{ actor_name: string; after: unknown }>(
      "SELECT actor_name, after FROM audit_log WHERE action = 'case_search_by_person' ORDER BY id DESC LIMIT 1",
    );
    expect(
      Number(
        (await tdb.sql<{ n: string }>("SELECT count(*) AS n FROM audit_log WHERE action = 'case_search_by_person'"))[0]!
          .n,
      ),
    ).toBe(Number(before[0]!.n) + 1);
    expect(rows[0]).toEqual({ actor_name: 'auditor.search', after: { by: 'idNumber', found: 1 } });
    const logs = api.logs.join('\n');
    for (const secret of [ID, OTHER_ID, '李明华', '王芳']) expect(logs).not.toContain(secret);
    expect(logs).toContain('/cases/search');
  });
});
