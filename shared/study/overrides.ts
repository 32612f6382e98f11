import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.js';
import { parseSpec, type SpecOverride, type StudySpec, validateSpec } from './spec.js';

/**
 * Command-line overrides of a study spec, Hydra-style: `stop.maxIter=50`,
 * `optimizers[0].lambda=1e-2`, `seeds=[0,1,2]`. The value is read as YAML (a number, a string,
 * a flow list or map), set at the path in the spec as written, and the result is validated like
 * the file, so an error names the field's path.
 */
export interface Override {
  /** The path as segments: object keys and array indices. */
  readonly path: ReadonlyArray<string | number>;
  readonly value: unknown;
  /** As given on the command line. */
  readonly text: string;
}

const SEGMENT = /^(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\])/;

/** Parses `a.b[2].c=value`; throws InputError naming the override when it is not of that form. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError(`override '${text}': expected key=value (e.g. stop.maxIter=50)`);
  const key = text.slice(0, eq);
  const path: Array<string | number> = [];
  let rest = key;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m || (path.length === 0 && rest.startsWith('.')))
      throw new InputError(`override '${text}': cannot read the path at '${rest}' (use a.b[0].c)`);
    path.push(m[1] ?? Number(m[2]));
    rest = rest.slice(m[0].length);
  }
  if (typeof path[0] !== 'string') throw new InputError(`override '${text}': a path starts with a key`);
  let value: unknown;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch (e) {
    throw new InputError(`override '${text}': the value is not valid YAML: ${(e as Error).message}`);
  }
  return { path, value: value === null && text.slice(eq + 1) === '' ? '' : value, text };
}

/** `optimizers[0].lambda` from a path. */
export function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Sets each override in a copy of the raw (unvalidated) spec. Missing maps on the way are
 * created; an index must name an existing entry or the one just past the end (appending).
 */
export function applyOverrides(raw: unknown, overrides: readonly Override[]): unknown {
  const root = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const o of overrides) {
    let node: unknown = root;
    for (const [i, seg] of o.path.entries()) {
      const last = i === o.path.length - 1;
      const at = pathText(o.path.slice(0, i + 1));
      if (typeof seg === 'number') {
        if (!Array.isArray(node))
          throw new InputError(`override '${o.text}': ${pathText(o.path.slice(0, i))} is not a list`);
        if (seg > node.length)
          throw new InputError(`override '${o.text}': ${at}: no such entry (the list has ${node.length})`);
      } else if (node === null || typeof node !== 'object' || Array.isArray(node))
        throw new InputError(`override '${o.text}': ${pathText(o.path.slice(0, i))} is not a map`);
      const container = node as Record<string | number, unknown>;
      if (last) container[seg] = o.value;
      else {
        if (container[seg] === undefined || container[seg] === null)
          container[seg] = typeof o.path[i + 1] === 'number' ? [] : {};
        node = container[seg];
      }
    }
  }
  return root;
}

/** Parses YAML text, applies overrides (`key=value` strings) and validates the result. */
export function parseSpecWithOverrides(
  text: string,
  source: string,
  overrides: readonly string[],
  flags: readonly SpecOverride[] = [],
): StudySpec {
  if (overrides.length === 0) return parseSpec(text, source, flags);
  const parsed = overrides.map(parseOverride);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new InputError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  return validateSpec(applyOverrides(raw, parsed), `${source} with overrides ${overrides.join(' ')}`, flags);
}
