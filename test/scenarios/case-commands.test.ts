/**
 * A command to a running case through the public API (api/case-commands.ts): what the case refuses reaches the person
 * in Chinese with a stable snake_case code (contracts/refusals.ts), and a request sent again with its Idempotency-Key
 * gets the first answer, applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
/** An English phrase: two words of Latin letters in a row. */
const ENGLISH = /\b[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}\b/;

beforeAll(async () => {
  s = await startScenario({ name: 'case-commands', persons: 3000 });
});
afterAll(async () => {
  await s?.close();
});

describe('commands to a case (Art. 37, 42)', () => {
  it('Art. 37: materials supplied to a case that asked for none are refused in Chinese with a stable code; nothing recorded', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 12);
    const caseNumber = await s.approvedClaim(person!);
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    // A document uploaded to the case (Art. 14, 84), supplied when nothing is asked for.
    const form = new FormData();
    form.set('kind', 'identity_verification');
    form.set('file', new Blob(['%PDF-1.4\n%%EOF\n']), 'id.pdf');
    const { 'content-type': _json, ...auth } = staff.intake.headers;
    const up = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, { method: 'POST', headers: auth, body: form });
    expect(up.status).toBe(201);
    const r = await s.call('POST', `/cases/${caseNumber}/materials`, {
      headers: staff.intake.headers,
      body: { documents: [((await up.json()) as { id: string }).id] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.code).toBe('not_waiting_for_materials');
    expect(r.body.error.message).toMatch(/补正材料/);
    expect(r.body.error.message).not.toMatch(ENGLISH);
    expect(
      await s.tdb.sql("SELECT 1 FROM audit_log WHERE action = 'materials_supplied' AND case_number = $1", [caseNumber]),
    ).toEqual([]);
  });

  it('Art. 42: a stop report sent again with its Idempotency-Key gets the first answer and is recorded once; another report of a stopped benefit is refused in Chinese', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 12);
    const caseNumber = await s.approvedClaim(person!);
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const [period] = await s.tdb.sql<{ start_date: string }>(
      'SELECT start_date::text FROM benefit_period WHERE case_number = $1',
      [caseNumber],
    );
    const report = (key?: string) =>
      s.call('POST', `/cases/${caseNumber}/stop-report`, {
        headers: { ...staff.intake.headers, ...(key ? { 'Idempotency-Key': key } : {}) },
        body: { date: period!.start_date, reason: 'reemployed' },
      });
    const first = await report('stop-report-1');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await report('stop-report-1');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual(first.body);
    const stops = await s.tdb.sql('SELECT 1 FROM period_stop WHERE case_number = $1', [caseNumber]);
    expect(stops).toHaveLength(1);

    const other = await report('stop-report-2');
    expect(other.status, JSON.stringify(other.body)).toBe(409);
    expect(other.body.error.code).toBe('period_stopped');
    expect(other.body.error.message).toMatch(/停发/);
    expect(other.body.error.message).not.toMatch(ENGLISH);
  });
});
