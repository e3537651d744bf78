/**
 * POST /calculations/:kind: runs one calculator of the rules layer for a clerk, without opening a case — "what would
 * the determination be?" (Art. 34, 38, 43, 45-47, 49, 50). Pure: no database, no workflow; the answer is the result,
 * the explanation step by step with the 规程 article of each step, and the policy parameters used that are not
 * confirmed against their source (Art. 12), so the clerk sees how sure the numbers are.
 *
 * Errors: unknown kind 404 `unknown_calculation`; invalid body 400 with paths `input.…`; a parameter not in force on
 * the determination date 422 `parameter_not_in_force`; a working-day calendar year not covered 422
 * `calendar_not_covered`; an input the calculator refuses as out of range 422 `input_out_of_range`; fields that
 * each keep their schema but contradict each other 422 `input_inconsistent`.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { CalendarNotCoveredError, type WorkdayCalendar } from '../../domain/calendar';
import {
  CALCULATION_KIND_NAMES,
  CALCULATION_KINDS,
  calculationKind,
  isCalculationKindName,
  type CalculationKindName,
} from '../../domain/calculators/schemas';
import { unconfirmedParameters } from '../../domain/explanation';
import { FAMILIES, ParameterNotInForceError, type Family } from '../../domain/policy';
import type { PolicyStore } from '../../lib/policy-store';
import { ApiError, ErrorBodySchema, parseOr400, validationError, zodFields } from '../errors';

export interface CalculationsDeps {
  /** The parameters in force (policy/*.json and the entries administrators added). */
  policy: PolicyStore;
  /** Working-day calendar in force (packaged years and those administrators added), for workday counts. */
  calendar?: () => Promise<WorkdayCalendar> | WorkdayCalendar;
  /** Today's business date 'YYYY-MM-DD' (Asia/Shanghai): the default determination date. */
  today: () => string;
}

const DATE_MESSAGE = '须为存在的日期，格式 YYYY-MM-DD';

export const DeterminationDateSchema = z.iso.date({ error: DATE_MESSAGE }).meta({
  description: 'Date whose policy parameters apply (Art. 12: the parameters in force on that date). Default: today',
  example: '2026-01-05',
});

export const CalculationKindSchema = z
  .enum(CALCULATION_KIND_NAMES as [CalculationKindName, ...CalculationKindName[]])
  .meta({
    description: CALCULATION_KIND_NAMES.map(
      (k) => `${k}: ${CALCULATION_KINDS[k].article} ${CALCULATION_KINDS[k].title}`,
    ).join('; '),
  });

function requestSchemaOf(kind: CalculationKindName, input: z.ZodType) {
  const entry = CALCULATION_KINDS[kind];
  return z
    .strictObject({
      determinationDate: DeterminationDateSchema.optional(),
      input,
    })
    .meta({
      id: `CalculationRequest_${kind.replace(/-/g, '_')}`,
      description: `POST /calculations/${kind}: ${entry.article} ${entry.title}`,
    });
}

/** The request body of each kind: `{ determinationDate?, input }`, strict at both levels. */
export const CALCULATION_REQUEST_SCHEMAS = (() => {
  const schemas = {} as Record<CalculationKindName, ReturnType<typeof requestSchemaOf>>;
  for (const kind of CALCULATION_KIND_NAMES) schemas[kind] = requestSchemaOf(kind, calculationKind(kind).schema);
  return schemas;
})();

const FamilySchema = z.enum(FAMILIES as [Family, ...Family[]]);

export const ParameterCitationSchema = z
  .object({
    family: FamilySchema,
    key: z.string(),
    effectiveFrom: z.string().meta({ example: '2022-01-01' }),
    effectiveUntil: z.string().optional(),
    document: z.string(),
    article: z.string(),
    confirmed: z.boolean().meta({ description: 'false: not confirmed against its source (POLICY.md)' }),
  })
  .meta({ id: 'ParameterCitation', description: 'A policy parameter a step used, with its source (Art. 12)' });

export const ExplanationStepSchema = z
  .object({
    rule: z.string().meta({ description: 'The rule applied, in the 规程 words' }),
    article: z.string().meta({ description: 'Article of the 规程 the step implements', example: 'Art. 34' }),
    inputs: z.record(z.string(), z.unknown()),
    output: z.unknown(),
    parameters: z.array(ParameterCitationSchema).optional(),
    rounding: z.string().optional().meta({ description: 'Rounding rule, when the step rounds an amount' }),
  })
  .meta({ id: 'ExplanationStep' });

export const CalculationResponseSchema = z
  .object({
    kind: CalculationKindSchema,
    determinationDate: z.string().meta({ example: '2026-01-05' }),
    result: z
      .record(z.string(), z.unknown())
      .meta({ description: "The calculator's result; its fields depend on the kind (amounts in fen)" }),
    explanation: z.array(ExplanationStepSchema),
    unconfirmedParameters: z
      .array(ParameterCitationSchema)
      .meta({ description: 'Parameters used that are not confirmed against their source: show a warning' }),
  })
  .meta({ id: 'CalculationResponse' });

export type CalculationResponse = z.infer<typeof CalculationResponseSchema>;

const KindParamSchema = z.object({ kind: z.string() });

function unknownKind(kind: string): ApiError {
  const kinds = CALCULATION_KIND_NAMES.join(', ');
  return new ApiError(404, 'unknown_calculation', `没有计算${JSON.stringify(kind)}；可用的计算：${kinds}`, [
    { path: 'params.kind', message: `须为以下之一：${kinds}` },
  ]);
}

/** Maps what a calculator throws for a valid request to a 422; anything else is a bug (500). */
function calculationError(err: unknown): ApiError | undefined {
  if (err instanceof ParameterNotInForceError) {
    const text = `${err.date}没有生效的政策参数${err.family}/${err.key}${err.lapsedOn ? `（已于${err.lapsedOn}后失效）` : ''}`;
    return new ApiError(422, 'parameter_not_in_force', text, [{ path: 'determinationDate', message: text }]);
  }
  if (err instanceof CalendarNotCoveredError) {
    return new ApiError(422, 'calendar_not_covered', `工作日历尚无${err.year}年数据，请系统管理员录入`, [
      { path: 'calendar', message: `工作日历尚无${err.year}年数据（日期 ${err.date}）` },
    ]);
  }
  if (err instanceof RangeError) {
    return new ApiError(422, 'input_out_of_range', `计算拒绝了输入：${err.message}`);
  }
  return undefined;
}

export function calculationsRouter(deps: CalculationsDeps): Router {
  const router = Router();

  router.post('/calculations/:kind', async (req, res) => {
    const { kind } = parseOr400(KindParamSchema, req.params, 'params');
    if (!isCalculationKindName(kind)) throw unknownKind(kind);
    const parsed = CALCULATION_REQUEST_SCHEMAS[kind].safeParse(req.body);
    if (!parsed.success) {
      // Every field keeps the document's schema, and only a rule between fields is broken (benefitLastMonth before
      // benefitFirstMonth, more exclusions than layoffs): 422, as the schema cannot state it; else 400.
      const between = parsed.error.issues.every((i) => i.code === 'custom');
      if (between) throw new ApiError(422, 'input_inconsistent', '输入的各项互相矛盾', zodFields(parsed.error));
      throw validationError(zodFields(parsed.error));
    }
    const body = parsed.data;
    const entry = calculationKind(kind);
    const determinationDate = body.determinationDate ?? entry.defaultDate?.(body.input) ?? deps.today();
    const calendar = deps.calendar ? await deps.calendar() : undefined;
    const policy = await deps.policy.current();
    let calculation;
    try {
      calculation = entry.run(body.input, policy, determinationDate, calendar);
    } catch (err) {
      throw calculationError(err) ?? err;
    }
    const response: CalculationResponse = {
      kind,
      determinationDate,
      result: calculation.result as Record<string, unknown>,
      explanation: calculation.explanation,
      unconfirmedParameters: unconfirmedParameters(calculation.explanation),
    };
    res.json(response);
  });

  return router;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

/** Options of the OpenAPI registration: the security requirement, when the app mounts the route behind sign-in. */
export interface OpenApiRouteOptions {
  security?: Record<string, string[]>[];
}

/**
 * Registers POST /calculations/{kind} in the OpenAPI document: one operation per kind, each with its own body (the
 * route serves them all from one template; the document states which input each kind takes, issue 21). Any other kind
 * is answered 404 `unknown_calculation`.
 */
export function registerCalculationsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  for (const kind of CALCULATION_KIND_NAMES) {
    const entry = CALCULATION_KINDS[kind];
    registry.registerPath({
      ...(options.security ? { security: options.security } : {}),
      method: 'post',
      path: `/calculations/${kind}`,
      summary: `Run the calculator ${entry.article} ${entry.title} without opening a case`,
      description:
        'Runs the calculator with the policy parameters in force on `determinationDate` (default today; ' +
        'for price-subsidy the first day of `input.month`) and answers the result with its explanation. Nothing is ' +
        'stored. Unknown fields are refused.',
      tags: ['calculations'],
      request: { body: { required: true, content: json(CALCULATION_REQUEST_SCHEMAS[kind]) } },
      responses: {
        200: { description: 'The result and its explanation', content: json(CalculationResponseSchema) },
        400: error('The body is not valid: every field is listed, input fields as input.<path>'),
        ...(options.security
          ? { 401: error('Not signed in'), 403: error('The signed-in user may not run calculations') }
          : {}),
        415: error('The body is not application/json'),
        422: error(
          'parameter_not_in_force (no policy parameter in force on the date), calendar_not_covered (no working-day ' +
            'data for a year), input_out_of_range, or input_inconsistent (fields that contradict each other)',
        ),
      },
    });
  }
}
