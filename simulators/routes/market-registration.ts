/**
 * /credit: the market registry's changes of an employer's registration items (Art. 17: name, address, legal
 * representative), which the case system's daily comparison reads to remind an employer that has not declared a change
 * within 30 days. Seeded: about 1 in 8 employers changed one item between 10 and 120 days before `asOf`; tests add
 * changes with `POST /admin/market/changes` (cleared by `POST /admin/reset`). Faultable like every source.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { MarketChange, MarketChanges } from '../../integrations/credit';
import { dateSchema, usccSchema } from '../../integrations/schemas';
import { addDays } from '../calendar';
import { body, notFound, parse } from '../http';
import { hashString, mix } from '../prng';
import type { Simulator } from '../simulator';
import type { EmployerCore } from '../world';

const ITEMS = ['name', 'address', 'legal_representative'] as const;
const STREETS = ['中山路', '人民大街', '青年大街', '黄河路', '解放路', '建设大路', '胜利街', '和平路'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗';
const GIVEN = '建国志强秀英桂兰海燕明辉俊杰丽华国庆玉梅';

/** The seeded change of an employer, if it has one (deterministic in the seed and the employer's index). */
export function seededMarketChange(seed: string, asOf: string, e: EmployerCore): MarketChange | null {
  const h = mix(hashString(`${seed}\u0000market-changes`), e.index);
  if (h % 8 !== 0) return null;
  const item = ITEMS[(h >>> 3) % 3]!;
  const changedOn = addDays(asOf, -(10 + ((h >>> 5) % 111)));
  const after =
    item === 'name'
      ? `${e.name.replace(/有限公司$/, '')}（新）有限公司`
      : item === 'address'
        ? `${STREETS[(h >>> 9) % STREETS.length]}${(h >>> 12) % 300}号`
        : `${SURNAMES[(h >>> 9) % SURNAMES.length]}${GIVEN.slice(((h >>> 14) % 8) * 2, ((h >>> 14) % 8) * 2 + 2)}`;
  return { changeId: `MC-${e.uscc}-${changedOn}`, item, changedOn, after };
}

export function marketRegistrationRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/employers/:uscc/changes', (req, res) => {
    const employer = sim.world.findEmployer(parse(z.object({ uscc: z.string() }), req.params).uscc);
    if (!employer) throw notFound('employer');
    const seeded = seededMarketChange(sim.world.seed, sim.world.asOf, employer);
    const changes = [...(seeded ? [seeded] : []), ...(sim.marketChanges.get(employer.uscc) ?? [])].sort((a, b) =>
      a.changedOn < b.changedOn ? -1 : 1,
    );
    const answer: MarketChanges = { uscc: employer.uscc, changes };
    res.json(answer);
  });
  return router;
}

const changeRequest = z.object({
  uscc: usccSchema,
  item: z.enum(ITEMS),
  changedOn: dateSchema,
  after: z.string().min(1).max(200),
});

/** Admin: a change registered in the market registry (a test's Art. 17 case). */
export function marketRegistrationAdminRoutes(sim: Simulator): Router {
  const router = Router();
  router.post('/market/changes', (req, res) => {
    const r = body(changeRequest, req);
    if (!sim.world.findEmployer(r.uscc)) throw notFound('employer');
    const list = sim.marketChanges.get(r.uscc) ?? [];
    const change: MarketChange = {
      changeId: `MC-${r.uscc}-${r.changedOn}-${list.length + 1}`,
      item: r.item,
      changedOn: r.changedOn,
      after: r.after,
    };
    list.push(change);
    sim.marketChanges.set(r.uscc, list);
    res.status(201).json(change);
  });
  return router;
}
