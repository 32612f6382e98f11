import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted at every depth, no whitespace. Numbers use JavaScript's
 * shortest round-trip form, so the text (and any hash of it) is the same on every machine.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** Hex SHA-256 of the canonical JSON of `value`, cut to `chars` hex digits. */
export function contentHash(value: unknown, chars = 64): string {
  return textHash(canonicalJson(value), chars);
}

/** Hex SHA-256 of a text (already canonical JSON), cut to `chars` hex digits. */
export function textHash(text: string, chars = 64): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}
