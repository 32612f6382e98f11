/**
 * Short labels for the configurations of a study: an optimizer configuration (kind + parameters)
 * or a problem variant, named by what differs between the configurations present, so that two
 * `newton` entries read `newton λ=1e-3` and `newton λ=1e-2` and a width sweep `width=20`.
 * Every figure, `summary` and `compare` name configurations through this one function.
 */

/** A configuration as the tables hold it: its kind and its parameters as canonical JSON. */
export interface Config {
  readonly kind: string;
  readonly params: string;
}

/** The key one configuration is grouped by (kind and canonical parameters). */
export const configKey = (c: Config): string => `${c.kind} ${c.params}`;

export const optimizerConfig = (r: { optimizer: string; optimizer_params: string }): Config => ({
  kind: r.optimizer,
  params: r.optimizer_params,
});

export const problemConfig = (r: { problem: string; problem_params: string }): Config => ({
  kind: r.problem,
  params: r.problem_params,
});

/** Greek or shorter names of the parameters that appear in labels; others keep their spec name. */
const SYMBOLS: Record<string, string> = {
  lambda: 'λ',
  alpha: 'α',
  beta1: 'β₁',
  beta2: 'β₂',
  eps: 'ε',
  omega: 'ω',
};

/** A number as a label shows it: powers of ten and small values in exponent form (`1e-2`), else ≤ 4 digits. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') {
    const a = Math.abs(v);
    if (v === 0 || (a >= 0.1 && a < 1e4)) return String(Number(v.toPrecision(4)));
    const [m, e] = v.toExponential(3).split('e');
    return `${String(Number(m))}e${Number(e)}`;
  }
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface LabelOptions {
  /** `always`: the kind starts every label (optimizers); `if-differs`: only when kinds differ (problems). */
  readonly kind: 'always' | 'if-differs';
}

/**
 * A labeller for the configurations given: for each kind, the parameters whose values differ
 * between its configurations, as `key=value` (string values alone: `tanh`), in key order.
 * A configuration that differs from no other of its kind is its kind alone. Labels stay distinct
 * whenever configurations are (the differing parameters tell them apart).
 */
export function labeller(configs: Iterable<Config>, o: LabelOptions): (c: Config) => string {
  const byKind = new Map<string, Map<string, Record<string, unknown>>>();
  for (const c of configs) {
    const m = byKind.get(c.kind) ?? new Map<string, Record<string, unknown>>();
    byKind.set(c.kind, m);
    if (!m.has(c.params)) m.set(c.params, parse(c.params));
  }
  const differing = new Map<string, string[]>();
  for (const [kind, variants] of byKind) {
    const all = [...variants.values()];
    const keys = [...new Set(all.flatMap((p) => Object.keys(p)))].sort();
    differing.set(
      kind,
      keys.filter((k) => new Set(all.map((p) => JSON.stringify(p[k] ?? null))).size > 1),
    );
  }
  const showKind = o.kind === 'always' || byKind.size > 1;
  const cache = new Map<string, string>();
  return (c) => {
    const key = configKey(c);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const p = parse(c.params);
    const parts = (differing.get(c.kind) ?? Object.keys(p)).map((k) =>
      typeof p[k] === 'string' ? (p[k] as string) : `${SYMBOLS[k] ?? k}=${formatValue(p[k] ?? null)}`,
    );
    const label = [showKind || parts.length === 0 ? c.kind : '', ...parts].filter(Boolean).join(' ');
    cache.set(key, label);
    return label;
  };
}

function parse(params: string): Record<string, unknown> {
  const v = JSON.parse(params) as unknown;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Labellers for the optimizer configurations and problem variants of a set of rows. */
export interface Labels {
  readonly optimizer: (r: { optimizer: string; optimizer_params: string }) => string;
  readonly problem: (r: { problem: string; problem_params: string }) => string;
  /** Every optimizer configuration's label with its kind, in order of first appearance. */
  readonly optimizers: ReadonlyArray<{ readonly label: string; readonly kind: string }>;
}

/** One pass over the rows: the distinct configurations only are kept. */
export function labelsOf(
  rows: Iterable<{ optimizer: string; optimizer_params: string; problem: string; problem_params: string }>,
): Labels {
  const opts = new Map<string, Config>();
  const probs = new Map<string, Config>();
  for (const r of rows) {
    const oc = optimizerConfig(r);
    const pc = problemConfig(r);
    opts.set(configKey(oc), oc);
    probs.set(configKey(pc), pc);
  }
  const o = labeller(opts.values(), { kind: 'always' });
  const p = labeller(probs.values(), { kind: 'if-differs' });
  return {
    optimizer: (r) => o(optimizerConfig(r)),
    problem: (r) => p(problemConfig(r)),
    optimizers: [...opts.values()].map((c) => ({ label: o(c), kind: c.kind })),
  };
}
