/**
 * People read Chinese: every error `message` the API answers, and every field message of its validation, is Chinese in
 * the 规程's words; `code`s stay stable English for programs. Found in the sources (each `new ApiError(…)`,
 * `validationError(…)`, a schema's message), in zod's own messages, and in the task rules' refusals (Art. 5, 77).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argumentsAt } from './source-scan';
import { z } from 'zod';
import '../../../domain/zod-locale';
import { INCOMPATIBLE_PAIRS, refusalToAct, refusalToSupervise, type Actor } from '../../../domain/tasks';

/** An English phrase: two words of Latin letters in a row (codes, paths and `YYYY-MM-DD` are single words). */
const ENGLISH = /\b[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}\b/;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const LITERAL = /'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g;
/** String literals that name a message: `message: '…'`, a schema rule's text, `z.uuid('…')`. */
const MESSAGE_ARGS = [
  /message:\s*('(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g,
  /\.(?:regex|min|max|length|refine|int|positive|nonnegative)\((?:[^()]|\([^()]*\))*?,\s*('(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)\s*\)/g,
  /z\.(?:uuid|email|url)\(\s*('(?:[^'\\\n]|\\.)*')/g,
];

/** Where a client's message is written: the API itself, and the domain's schemas and calculators it validates with. */
const SOURCES = ['api', 'domain'];

/** A literal is English when its text, without a template's `${…}` expressions (code), has an English phrase. */
const english = (literal: string) => ENGLISH.test(literal.replace(/\$\{[^}]*\}/g, ''));

function englishInApi(): string[] {
  const found: string[] = [];
  for (const file of SOURCES.flatMap(files)) {
    const src = readFileSync(file, 'utf8');
    const line = (at: number) => `${file}:${src.slice(0, at).split('\n').length}`;
    // A calculator's refusal reaches the client as 422 input_out_of_range (api/calculations/router.ts).
    const calls = file.includes('calculators')
      ? /new ApiError\(|validationError\(|new RangeError\(/g
      : /new ApiError\(|validationError\(/g;
    for (const call of src.matchAll(calls)) {
      const args = argumentsAt(src, call.index + call[0].length);
      // The code (second argument of ApiError) is English by design: only literals with a space are texts.
      for (const lit of args.match(LITERAL) ?? []) if (english(lit)) found.push(`${line(call.index)} ${lit}`);
    }
    for (const re of MESSAGE_ARGS) {
      for (const m of src.matchAll(re)) if (english(m[1]!)) found.push(`${line(m.index)} ${m[1]}`);
    }
  }
  return found;
}

describe('API messages are Chinese, codes stable (Art. 5, 77)', () => {
  it("no error or field message in api/ or the domain's schemas and calculators is an English sentence", () => {
    expect(englishInApi()).toEqual([]);
  });

  it('the detector finds an English sentence and passes a Chinese one with codes and formats', () => {
    expect(ENGLISH.test("'No such task'")).toBe(true);
    expect(ENGLISH.test("'须为日期，格式 YYYY-MM-DD'")).toBe(false);
    expect(ENGLISH.test("'此 Idempotency-Key 已用于另一个请求内容'")).toBe(false);
  });

  it("zod's own messages are Chinese (its zh-CN locale), as the API and the forms' validators answer", () => {
    const r = z
      .strictObject({ a: z.string(), b: z.number().int().min(1), c: z.enum(['x', 'y']), d: z.iso.date() })
      .safeParse({ a: 1, b: 0, c: 'z', d: 'x', e: 1 });
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toHaveLength(5);
    for (const m of messages) {
      expect(m).toMatch(/[\u4e00-\u9fff]/);
      expect(m).not.toMatch(ENGLISH);
    }
  });

  it('the task rules refuse in Chinese, naming the post and the rule (Art. 5, 77)', () => {
    const actor: Actor = {
      userId: 'u1',
      username: 'clerk',
      roles: ['reviewer', 'second_reviewer'],
      agencyCode: '210100',
    };
    const task = { role: 'approver' as const, agencyCode: '210100', escalatedTo: null, assigneeId: null };
    const refusals = [
      refusalToAct({ ...task, step: 'approve' }, actor, {}),
      refusalToAct({ ...task, role: 'reviewer', agencyCode: '210200', step: 'review' }, actor, {}),
      refusalToAct({ ...task, role: 'reviewer', step: 'review', assigneeId: 'u2' }, actor, {}),
      refusalToSupervise(task, actor),
      refusalToSupervise({ ...task, agencyCode: '210200' }, { ...actor, roles: ['supervisor'] }),
      ...INCOMPATIBLE_PAIRS.map(([step, earlier]) =>
        refusalToAct({ ...task, role: 'reviewer', step }, actor, { [earlier]: ['u1'] }),
      ),
    ];
    expect(refusals.map((r) => r?.code)).toEqual([
      'missing_role',
      'outside_scope',
      'assigned_to_other',
      'missing_role',
      'outside_scope',
      ...INCOMPATIBLE_PAIRS.map(() => 'separation_of_duties'),
    ]);
    for (const r of refusals) {
      expect(r!.message).toMatch(/[\u4e00-\u9fff]/);
      expect(r!.message).not.toMatch(ENGLISH);
    }
    expect(refusals[0]!.message).toContain('审批');
    expect(refusals.at(-1)!.message).toContain('岗位不相容');
  });
});
