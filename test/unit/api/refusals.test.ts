/**
 * Every refusal a case workflow can throw reaches people in Chinese with a stable code (contracts/refusals.ts), and
 * the API's command gateway (api/case-commands.ts) answers it with the row's status, code and message. The refusal
 * types are found in the workflows' sources: each `ApplicationFailure.nonRetryable(…, 'Type')`,
 * `ApplicationFailure.create({ type: 'Type' … })`, a recovery's `refuse(…, 'Type')` and a task's `refuse(…, { code })`
 * with the codes of domain/tasks.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { argumentsAt } from './source-scan';
import { commandFailure, refusalOf, sameRequestUpdateId } from '../../../api/case-commands';
import { ApiError } from '../../../api/errors';
import { CASE_REFUSALS, refusalRule } from '../../../contracts/refusals';

const workflowFiles = readdirSync('workflows', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join('workflows', f));

function thrownTypes(): Map<string, string> {
  const found = new Map<string, string>();
  const calls = /ApplicationFailure\.nonRetryable\(|ApplicationFailure\.create\(|\brefuse\(|\bfail\(/g;
  for (const file of [...workflowFiles, 'domain/tasks.ts']) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(calls)) {
      const args = argumentsAt(src, m.index + m[0].length);
      const types = [
        ...args.matchAll(/type:\s*'(\w+)'/g),
        ...args.matchAll(/code:\s*'(\w+)'/g),
        ...args.matchAll(/,\s*'([A-Z]\w+)'\s*,?\s*$/g),
      ].map((x) => x[1]!);
      for (const t of types) if (t !== 'TaskRefused') found.set(t, file);
    }
    // domain/tasks.ts: the refusals of the task rules.
    for (const m of src.matchAll(/code:\s*'(\w+)',\s*message:/g)) found.set(m[1]!, file);
  }
  return found;
}

const refusedBy = (failure: ApplicationFailure) =>
  refusalOf(new WorkflowUpdateFailedError('Workflow Update failed', failure));

describe('refusals of a case reach people in Chinese (contracts/refusals.ts)', () => {
  it('every refusal type thrown in workflows/ has its row, with a Chinese message and a snake_case code', () => {
    const types = thrownTypes();
    // The scan finds what it should: the materials' refusal (Art. 37) and a task's (Art. 77).
    expect(types.has('NotWaitingForMaterials')).toBe(true);
    expect(types.has('separation_of_duties')).toBe(true);
    const missing = [...types].filter(([t]) => !refusalRule(t)).map(([t, f]) => `${t} (${f})`);
    expect(missing).toEqual([]);
    for (const [type, rule] of Object.entries(CASE_REFUSALS)) {
      expect(rule.message, type).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.message, type).not.toMatch(/\b[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}\b/);
      expect(rule.code, type).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });

  it('an English refusal is answered with the Chinese text of its code (Art. 37)', () => {
    const r = refusedBy(ApplicationFailure.nonRetryable('No materials are being asked for', 'NotWaitingForMaterials'));
    expect(r).toBeInstanceOf(ApiError);
    expect([r!.status, r!.code, r!.message]).toEqual([
      409,
      'not_waiting_for_materials',
      '本案未在等待补正材料，无需提交',
    ]);
  });

  it('bad input names its field; a missing role is 403 (Art. 43, 77)', () => {
    const amount = refusedBy(ApplicationFailure.nonRetryable('amountFen must be a positive integer', 'InvalidAmount'));
    expect([amount!.status, amount!.code, amount!.fields[0]?.path]).toEqual([400, 'validation_failed', 'amountFen']);
    expect(amount!.fields[0]!.message).toMatch(/[\u4e00-\u9fff]/);
    const role = refusedBy(ApplicationFailure.nonRetryable('needs the role finance', 'MissingRole'));
    expect([role!.status, role!.code]).toEqual([403, 'missing_role']);
  });

  it("a task's refusal keeps the rule's own Chinese words and fields (Art. 77 岗位不相容)", () => {
    const message = '岗位不相容：您已办理本案的受理，不能再办理复核';
    const r = refusedBy(
      ApplicationFailure.create({
        type: 'TaskRefused',
        message,
        details: [{ code: 'separation_of_duties' }],
        nonRetryable: true,
      }),
    );
    expect([r!.status, r!.code, r!.message]).toEqual([403, 'separation_of_duties', message]);
    const form = refusedBy(
      ApplicationFailure.create({
        type: 'TaskRefused',
        message: '审批表填写有误，请按提示修改',
        details: [{ code: 'invalid_form', fields: [{ path: 'form.decision', message: '须选择' }] }],
        nonRetryable: true,
      }),
    );
    // The form a task takes depends on the task: the OpenAPI document can only say "a JSON object" (issue 21 item 10).
    expect([form!.status, form!.code, form!.fields]).toEqual([
      422,
      'invalid_form',
      [{ path: 'form.decision', message: '须选择' }],
    ]);
  });

  it('a case not running is 409 not_running; Temporal out of reach is 503 with Retry-After', () => {
    const gone = commandFailure(new WorkflowNotFoundError('not found', 'C1', undefined)) as ApiError;
    expect([gone.status, gone.code]).toEqual([409, 'not_running']);
    const down = commandFailure(Object.assign(new Error('14 UNAVAILABLE: Temporal'), { code: 14 })) as ApiError;
    expect([down.status, down.code, down.headers['Retry-After']]).toEqual([503, 'temporal_unavailable', '5']);
  });

  it('the same request to the same case has the same Update ID; another request another', () => {
    const a = sameRequestUpdateId('supplyMaterials', 'C1', ['k1', { kinds: ['x'] }]);
    expect(sameRequestUpdateId('supplyMaterials', 'C1', ['k1', { kinds: ['x'] }])).toBe(a);
    expect(sameRequestUpdateId('supplyMaterials', 'C2', ['k1', { kinds: ['x'] }])).not.toBe(a);
    expect(sameRequestUpdateId('supplyMaterials', 'C1', ['k2', { kinds: ['x'] }])).not.toBe(a);
  });
});
