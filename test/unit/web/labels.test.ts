/**
 * The timeline in the 规程's words (issue 21): every event type the code writes to a case's timeline — by the
 * workflows (moveTo, note, recordCaseStatus), the activities, lib and the API (case_event rows) — has its Chinese
 * name in web/labels.js, so no page shows a raw code. A template (`claim_reopened_${n}`, `payments_${status}`) needs
 * the words of its kind, or of each of its statuses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const web = (await import(pathToFileURL(join(ROOT, 'web/labels.js')).href)) as {
  LABELS: Record<string, Record<string, string>>;
  eventKind(type: string): string;
};

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(ROOT, p)).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Event types as written: literals, and templates as their fixed part followed by '*'. */
function eventTypesInCode(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (raw: string, file: string) => {
    const t = raw.replace(/^'|'$|^`|`$/g, '').replace(/_\$\{[^}]+\}$/, '_*');
    if (/^[a-z]+(_[a-z0-9]+)*(_\*)?$/.test(t)) found.set(t, file);
  };
  const lit = String.raw`('[a-z_]+'|\x60[a-z_]+(?:_\$\{[^}]+\})?\x60)`;
  for (const file of files('workflows')) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    for (const m of src.matchAll(new RegExp(String.raw`\bmoveTo\(\s*[^,()]+,\s*` + lit, 'g'))) add(m[1]!, file);
    for (const m of src.matchAll(new RegExp(String.raw`\bnote\(\s*` + lit, 'g'))) add(m[1]!, file);
    for (const m of src.matchAll(new RegExp(String.raw`\bevent:\s*` + lit, 'g'))) add(m[1]!, file);
    for (const m of src.matchAll(/version === 1 \? '([a-z_]+)'/g)) add(`'${m[1]}'`, file);
  }
  // Rows of case_event written directly: `type:` in the files that write them (not TypeScript unions).
  for (const file of [...files('activities'), ...files('lib'), ...files('api')]) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    if (!/recordCaseEvent|caseEventRow|caseEvent\.create|INSERT INTO case_event/.test(src)) continue;
    for (const m of src.matchAll(
      new RegExp(String.raw`\btype:\s*(?:[^,\n?]+\?\s*)?` + lit + String.raw`(?!\s*\|)`, 'g'),
    ))
      add(m[1]!, file);
    for (const m of src.matchAll(/\?\s*'([a-z_]+)'\s*:\s*'([a-z_]+)'/g)) {
      if (/type:/.test(src.slice(Math.max(0, m.index! - 40), m.index))) {
        add(`'${m[1]}'`, file);
        add(`'${m[2]}'`, file);
      }
    }
    for (const m of src.matchAll(/'(claim_received)'/g)) add(`'${m[1]}'`, file);
  }
  return found;
}

it('names every event type the code writes to a timeline in Chinese (issue 21)', () => {
  const events = web.LABELS.event!;
  const found = eventTypesInCode();
  // The extraction finds the events of each part of the code (a guard against it finding nothing).
  for (const t of ['claim_received', 'claim_accepted', 'claim_refused', 'task_opened', 'benefit_stopped'])
    expect([...found.keys()], t).toContain(t);
  expect(found.size).toBeGreaterThan(60);
  const missing = [...found]
    .filter(([t]) =>
      t.endsWith('_*')
        ? !Object.keys(events).some((k) => k.startsWith(t.slice(0, -1)) || k === t.slice(0, -2))
        : !events[web.eventKind(t)],
    )
    .map(([t, file]) => `${t} (${file})`);
  expect(missing).toEqual([]);
  if (process.env.SHOW_EVENTS) console.log([...found.keys()].sort().join(' '));
  for (const text of Object.values(events)) expect(text).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*$/);
});

it('reads numbered events as their kind (claim_determined_2 → claim_determined)', () => {
  expect(web.eventKind('claim_determined_2')).toBe('claim_determined');
  expect(web.eventKind('materials_requested_1')).toBe('materials_requested');
  expect(web.eventKind('claim_review_passed_3')).toBe('claim_review_passed');
  expect(web.eventKind('task_opened')).toBe('task_opened');
});

it('names the posts on the pages as the API names them to applicants and in its messages (Art. 77)', async () => {
  const { POST_NAMES } = await import('../../../api/cases/party-view');
  expect(web.LABELS.role).toEqual(POST_NAMES);
});

it('names the separation reasons on the pages as the determination and notices name them (Art. 34, 38)', async () => {
  const { SEPARATION_REASON_LABELS } = await import('../../../domain/separation');
  expect(web.LABELS.separationReason).toEqual(SEPARATION_REASON_LABELS);
});
