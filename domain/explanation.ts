/**
 * Explanations: every calculator returns { result, explanation }, the explanation being the steps a clerk can read
 * and check against the 规程 — the rule in Chinese, the 规程 article it implements ('Art. 38'), the inputs and output
 * of the step, and the policy parameters it used with their effective date, source and confirmed flag.
 */
import { citationOf, type ParameterCitation, type ResolvedParameter } from './policy/resolve';

/** Article of the 规程 a step implements, written 'Art. N'. */
export type ArticleRef = `Art. ${number}`;

export interface ExplanationStep {
  /** The rule applied, in the 规程's words (Chinese). */
  rule: string;
  /** The 规程 article the step implements. */
  article: ArticleRef;
  inputs: Record<string, unknown>;
  output: unknown;
  /** Policy parameters used, with their source. */
  parameters?: ParameterCitation[];
  /** Rounding rule applied, when the step rounds an amount. */
  rounding?: string;
}

export interface Calculation<R> {
  result: R;
  explanation: ExplanationStep[];
}

/** Builds an explanation step by step. */
export class ExplanationBuilder {
  readonly steps: ExplanationStep[] = [];

  step(
    article: ArticleRef,
    rule: string,
    inputs: Record<string, unknown>,
    output: unknown,
    extra: { parameters?: ResolvedParameter<unknown>[]; rounding?: string } = {},
  ): void {
    const step: ExplanationStep = { rule, article, inputs, output };
    if (extra.parameters?.length) step.parameters = extra.parameters.map(citationOf);
    if (extra.rounding) step.rounding = extra.rounding;
    this.steps.push(step);
  }

  done<R>(result: R): Calculation<R> {
    return { result, explanation: this.steps };
  }
}

/** Parameters an explanation used that are not confirmed against their source (to show a warning). */
export function unconfirmedParameters(explanation: readonly ExplanationStep[]): ParameterCitation[] {
  const seen = new Map<string, ParameterCitation>();
  for (const step of explanation) {
    for (const p of step.parameters ?? []) {
      if (!p.confirmed) seen.set(`${p.family}/${p.key}@${p.effectiveFrom}`, p);
    }
  }
  return [...seen.values()];
}
