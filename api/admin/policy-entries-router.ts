/**
 * Policy parameter entries (Art. 12: amounts and standards follow 辽人社〔2021〕26号 "and the documents adjusting it";
 * POLICY.md: an agency corrects or extends the parameters by adding entries with a new effective date):
 *
 *   GET  /admin/policy/entries   every entry: those of policy/*.json and those administrators added
 *   POST /admin/policy/entries   an administrator adds a dated entry (audited)
 *
 * History is never edited: an entry takes effect today or later (Asia/Shanghai), never replaces an entry of the same
 * key and date, and is never changed or removed (the table refuses UPDATE and DELETE). The value is validated by the
 * same schema as the family's entries in the files. The entry reaches calculations and activities through the policy
 * store (lib/policy-store.ts) without a restart.
 */
import { randomUUID } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { FAMILIES, familyValueSchemas, type Family, type PolicyEntry } from '../../domain/policy';
import { audit } from '../../lib/audit';
import { dbDate, isoDate, type Db } from '../../lib/db';
import type { PolicyStore } from '../../lib/policy-store';
import { ApiError, ErrorBodySchema, parseOr400, validationError, zodFields, type FieldError } from '../errors';
import { currentUser, requireRole } from '../auth/middleware';
import { PolicyFamilySchema } from '../policy/router';
import { writtenAtLeast, writtenText } from '../../domain/written-text';

const DATE_MESSAGE = '须为存在的日期，格式 YYYY-MM-DD';

export const AddPolicyEntrySchema = z
  .strictObject({
    family: PolicyFamilySchema,
    key: z
      .string()
      .trim()
      .min(1, '必填')
      .max(128)
      .meta({ description: 'The parameter within the family (e.g. tier1 for minimumWage)', example: 'tier1' }),
    effectiveFrom: z.iso
      .date({ error: DATE_MESSAGE })
      .meta({ description: 'First day in force: today or later (Asia/Shanghai)', example: '2027-01-01' }),
    effectiveUntil: z.iso
      .date({ error: DATE_MESSAGE })
      .optional()
      .meta({ description: 'Last day in force, when the policy lapses' }),
    value: z.unknown().meta({
      description: "The value, in the shape of the family's entries in policy/*.json (money in fen, rates in bp)",
      example: { monthlyFen: 241000 },
    }),
    source: z.strictObject({
      document: writtenText(1, 500, '必填：取值依据的文件'),
      article: writtenText(1, 200, '必填：条款或章节'),
      url: z.url('须为网址（URL）').max(500).optional(),
    }),
    confirmed: z.boolean({ error: 'must be true or false: whether the value was checked against its source' }),
    note: z
      .string()
      .regex(writtenAtLeast(1), { error: '不能只填空白', abort: true })
      .trim()
      .min(1)
      .max(1000)
      .optional(),
  })
  .meta({ description: 'A dated policy parameter entry (Art. 12)' });

/**
 * The body as the document states it: one variant per family, its `value` in that family's schema (the route checks
 * the value by the same schema, domain/policy/schemas.ts).
 */
const AddPolicyEntryDocumentSchema = z
  .union(
    FAMILIES.map((family) =>
      AddPolicyEntrySchema.extend({ family: z.literal(family), value: familyValueSchemas[family] }),
    ) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
  )
  .meta({
    id: 'AddPolicyEntry',
    description: 'A dated policy parameter entry (Art. 12); value in the shape of its family',
  });

export const PolicyEntryViewSchema = z
  .object({
    origin: z.enum(['file', 'administrator']).meta({ description: 'policy/*.json, or added by an administrator' }),
    id: z.string().optional(),
    family: PolicyFamilySchema,
    key: z.string(),
    effectiveFrom: z.string(),
    effectiveUntil: z.string().optional(),
    value: z.unknown(),
    source: z.object({ document: z.string(), article: z.string(), url: z.string().optional() }),
    confirmed: z.boolean(),
    note: z.string().optional(),
    addedBy: z.string().optional(),
    addedAt: z.string().optional(),
  })
  .meta({ id: 'PolicyEntry' });
export type PolicyEntryView = z.infer<typeof PolicyEntryViewSchema>;

export const PolicyEntriesQuerySchema = z.strictObject({ family: PolicyFamilySchema.optional() });

type Row = Prisma.PolicyEntryGetPayload<object>;

function entryView(family: Family, e: PolicyEntry<unknown>): Omit<PolicyEntryView, 'origin'> {
  return {
    family,
    key: e.key,
    effectiveFrom: e.effectiveFrom,
    ...(e.effectiveUntil !== undefined ? { effectiveUntil: e.effectiveUntil } : {}),
    value: e.value,
    source: e.source,
    confirmed: e.confirmed,
    ...(e.note !== undefined ? { note: e.note } : {}),
  };
}

function rowView(r: Row): PolicyEntryView {
  return {
    origin: 'administrator',
    id: r.id,
    family: r.family as Family,
    key: r.key,
    effectiveFrom: isoDate(r.effectiveFrom),
    ...(r.effectiveUntil ? { effectiveUntil: isoDate(r.effectiveUntil) } : {}),
    value: r.value,
    source: {
      document: r.sourceDocument,
      article: r.sourceArticle,
      ...(r.sourceUrl ? { url: r.sourceUrl } : {}),
    },
    confirmed: r.confirmed,
    ...(r.note ? { note: r.note } : {}),
    addedBy: r.addedBy,
    addedAt: r.addedAt.toISOString(),
  };
}

export interface PolicyEntriesDeps {
  db: Db;
  policy: PolicyStore;
  /** Today's business date 'YYYY-MM-DD' (Asia/Shanghai). */
  today: () => string;
}

export function policyEntriesRouter(deps: PolicyEntriesDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use('/admin/policy', requireRole('administrator'));

  router.get('/admin/policy/entries', async (req, res) => {
    const { family } = parseOr400(PolicyEntriesQuerySchema, req.query, 'query');
    const rows = await db.policyEntry.findMany({
      where: family ? { family } : {},
      orderBy: [{ family: 'asc' }, { key: 'asc' }, { effectiveFrom: 'asc' }],
    });
    const entries: PolicyEntryView[] = [];
    for (const f of FAMILIES) {
      if (family !== undefined && f !== family) continue;
      const own = [
        ...(deps.policy.files[f] as PolicyEntry<unknown>[]).map((e) => ({
          origin: 'file' as const,
          ...entryView(f, e),
        })),
        ...rows.filter((r) => r.family === f).map(rowView),
      ];
      own.sort((a, b) =>
        a.key !== b.key
          ? a.key < b.key
            ? -1
            : 1
          : a.effectiveFrom < b.effectiveFrom
            ? -1
            : a.effectiveFrom > b.effectiveFrom
              ? 1
              : 0,
      );
      entries.push(...own);
    }
    res.json({ entries });
  });

  router.post('/admin/policy/entries', async (req, res) => {
    const admin = currentUser(req);
    const today = deps.today();
    const raw: Record<string, unknown> =
      typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {};
    const outer = AddPolicyEntrySchema.safeParse(req.body);
    const fields: FieldError[] = outer.success ? [] : zodFields(outer.error);
    // The value by the same schema as the family's entries in policy/*.json, named by its path (value.monthlyFen).
    const family = PolicyFamilySchema.safeParse(raw.family);
    let value: unknown;
    if (family.success) {
      if (raw.value === undefined) fields.push({ path: 'value', message: '必填' });
      else {
        const v = familyValueSchemas[family.data].safeParse(raw.value);
        if (v.success) value = v.data;
        else fields.push(...zodFields(v.error, 'value'));
      }
    }
    if (!outer.success || fields.length) throw validationError(fields, '政策参数取值有误，请按提示修改');
    const body = outer.data;
    if (body.effectiveFrom < today) {
      fields.push({
        path: 'effectiveFrom',
        message: `须为今天（${today}，北京时间）或以后：已生效的历史不作修改（第十二条）`,
      });
    }
    if (body.effectiveUntil !== undefined && body.effectiveUntil < body.effectiveFrom) {
      fields.push({ path: 'effectiveUntil', message: '不能早于生效日期（effectiveFrom）' });
    }
    const current = await deps.policy.current();
    const known = new Set((current[body.family] as PolicyEntry<unknown>[]).map((e) => e.key));
    if (!known.has(body.key)) {
      fields.push({
        path: 'key',
        message: `不是${body.family}的参数（已有：${[...known].sort().join('、')}）`,
      });
    }
    // 422: a well-formed entry that does not apply now — a date already past (time moves, Art. 12), a lapse before
    // its start, or a key the family does not have (the policy data, not the schema, knows its keys).
    if (fields.length) throw new ApiError(422, 'policy_entry_not_applicable', '政策参数取值有误，请按提示修改', fields);
    const entry = {
      key: body.key,
      effectiveFrom: body.effectiveFrom,
      effectiveUntil: body.effectiveUntil,
      value,
      source: body.source,
      confirmed: body.confirmed,
      note: body.note,
    };

    const duplicate = () =>
      new ApiError(
        409,
        'policy_entry_exists',
        `${body.family}/${entry.key}已有自${entry.effectiveFrom}起生效的取值；已生效的历史不作修改，请新增生效日期更晚的取值`,
        [{ path: 'effectiveFrom', message: '此参数已有在该日生效的取值' }],
      );
    if (
      (current[body.family] as PolicyEntry<unknown>[]).some(
        (e) => e.key === entry.key && e.effectiveFrom === entry.effectiveFrom,
      )
    ) {
      throw duplicate();
    }

    const now = new Date();
    let row: Row;
    try {
      row = await db.$transaction(async (tx) => {
        const created = await tx.policyEntry.create({
          data: {
            id: randomUUID(),
            family: body.family,
            key: entry.key,
            effectiveFrom: dbDate(entry.effectiveFrom),
            effectiveUntil: entry.effectiveUntil !== undefined ? dbDate(entry.effectiveUntil) : null,
            value: entry.value as Prisma.InputJsonValue,
            sourceDocument: entry.source.document,
            sourceArticle: entry.source.article,
            sourceUrl: entry.source.url ?? null,
            confirmed: entry.confirmed,
            note: entry.note ?? null,
            addedBy: admin.username,
            addedAt: now,
          },
        });
        await audit(tx, {
          actor: admin,
          action: 'policy_entry_added',
          entity: 'policy_entry',
          entityId: created.id,
          after: rowView(created),
          requestId: String(req.id),
          at: now,
        });
        return created;
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw duplicate();
      throw err;
    }
    deps.policy.invalidate();
    res.status(201).location(`/admin/policy/entries/${row.id}`).json(rowView(row));
  });

  return router;
}

/** Registers GET and POST /admin/policy/entries in the OpenAPI document. */
export function registerPolicyEntriesOpenApi(
  registry: OpenAPIRegistry,
  options: { security: Record<string, string[]>[] },
): void {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  registry.registerPath({
    method: 'get',
    path: '/admin/policy/entries',
    summary: 'Every policy parameter entry: from policy/*.json and added by administrators (Art. 12)',
    tags: ['admin', 'policy'],
    security: options.security,
    request: { query: PolicyEntriesQuerySchema },
    responses: {
      200: { description: 'The entries', content: json(z.object({ entries: z.array(PolicyEntryViewSchema) })) },
      400: error('The family is unknown'),
      401: error('Not signed in'),
      403: error('Not an administrator'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/admin/policy/entries',
    summary: 'Add a dated policy parameter entry, effective today or later (Art. 12; audited; history is not edited)',
    tags: ['admin', 'policy'],
    security: options.security,
    request: { body: { required: true, content: json(AddPolicyEntryDocumentSchema) } },
    responses: {
      201: { description: 'Added; in force from its date without a restart', content: json(PolicyEntryViewSchema) },
      400: error('Not valid: the field path and rule are named (value.monthlyFen)'),
      422: error(
        'policy_entry_not_applicable: effectiveFrom before today, effectiveUntil before effectiveFrom, or a key the family does not have',
      ),
      401: error('Not signed in'),
      403: error('Not an administrator'),
      409: error('The parameter already has an entry effective on that date'),
    },
  });
}
