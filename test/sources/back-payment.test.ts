/**
 * 补收补缴 (Art. 26) through the clients against the simulators over real HTTP: the pension base of an employer's staff
 * per month; the assessment kept by tax once per case number; paid in part, in full (the months become records paid
 * back with the amounts assessed and the receipt date), or withdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../integrations/errors';
import type { BackPaymentAssessment } from '../../integrations/tax';
import { startSimulator, type RunningSimulator } from './support';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

async function owing() {
  const { items } = await sim.admin<{ items: { uscc: string }[] }>('GET', '/employers?limit=50&filter=recent_arrears');
  for (const e of items) {
    const a = await sim.clients.tax.getEmployerArrears(e.uscc);
    const month = a?.months.find((m) => m.insuredCount > 0)?.month;
    if (month) return { uscc: e.uscc, month };
  }
  throw new Error('no employer owing');
}

describe('back payments at pension and tax (Art. 26)', () => {
  it('gives the pension base of each person owed in a month, and keeps an assessment once per case number', async () => {
    const { uscc, month } = await owing();
    const bases = await sim.clients.pension.getEmployerBases(uscc, [month]);
    const persons = bases!.months[0]!.persons;
    expect(persons.length).toBeGreaterThan(0);
    const assessment: BackPaymentAssessment = {
      caseNumber: 'BJF-2026-210100-0000000001',
      uscc,
      contributionsFen: persons.length * 100,
      lateFeeFen: 7,
      totalFen: persons.length * 100 + 7,
      lateFeeThrough: '2026-12-01',
      payBy: '2026-12-20',
      months: [{ month, insuredCount: persons.length, amountFen: persons.length * 100, lateFeeFen: 7 }],
      persons: persons.map((p) => ({ idNumber: p.idNumber, month, amountFen: 100 })),
    };
    expect(await sim.clients.tax.sendBackPaymentAssessment(assessment)).toMatchObject({ duplicate: false });
    expect(await sim.clients.tax.sendBackPaymentAssessment(assessment)).toMatchObject({ duplicate: true });
    const other = await sim.clients.tax.sendBackPaymentAssessment({ ...assessment, lateFeeFen: 8 }).catch((e) => e);
    expect(other).toBeInstanceOf(SourceError);

    await sim.admin('POST', `/tax/back-payment-assessments/${assessment.caseNumber}/payment`, { amountFen: 5 });
    expect(await sim.clients.tax.getBackPaymentStatus(assessment.caseNumber)).toMatchObject({
      status: 'partial',
      amountPaidFen: 5,
      receiptDate: null,
    });
    await sim.admin('POST', `/tax/back-payment-assessments/${assessment.caseNumber}/payment`, {
      receiptDate: '2026-12-05',
    });
    expect(await sim.clients.tax.getBackPaymentStatus(assessment.caseNumber)).toMatchObject({
      status: 'paid',
      receiptDate: '2026-12-05',
    });
    const { records } = await sim.clients.tax.getPersonContributions(persons[0]!.idNumber, { from: month, to: month });
    expect(records.find((r) => r.employerUscc === uscc)).toMatchObject({
      amountPaidFen: 100,
      receiptDate: '2026-12-05',
      backPayment: true,
    });
    const withdrawn = await sim.clients.tax.withdrawBackPaymentAssessment(assessment.caseNumber).catch((e) => e);
    expect(withdrawn).toBeInstanceOf(SourceError);
    expect(await sim.clients.tax.getBackPaymentStatus('BJF-2026-210100-0000000002')).toBeNull();
  });
});
