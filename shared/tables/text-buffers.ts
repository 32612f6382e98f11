import { Buffer } from 'node:buffer';
import type { Column } from '../study/columns.js';
import { validity } from './column-data.js';
import type { ColumnBuffers } from './ipc-messages.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * A utf8 column of a batch's cells (strings or null) as its Arrow buffers, each distinct text
 * encoded once: a seed block's text columns hold a few texts each (its configuration, a status, a
 * point's name), and measuring the UTF-8 length of every cell had been a tenth of a fused torus
 * run (cpu profile of worker/pool-worker.ts seedBlockResults). The bytes are column-data.ts's
 * (test/shared/ipc-messages.test.ts compares them with tableToIPC's).
 */
export function textBuffers(col: Column, cells: readonly unknown[]): ColumnBuffers {
  const n = cells.length;
  const offsets = new Int32Array(n + 1);
  const texts: Uint8Array[] = new Array(n);
  const known = new Map<string, Uint8Array>();
  let last: unknown = null;
  let lastBytes: Uint8Array = EMPTY;
  let nulls = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = cells[i];
    if (v === null) {
      nulls++;
      texts[i] = EMPTY;
    } else {
      if (v !== last) {
        last = v;
        const hit = known.get(v as string);
        lastBytes = hit ?? Buffer.from(v as string, 'utf8');
        if (hit === undefined) known.set(v as string, lastBytes);
      }
      texts[i] = lastBytes;
      bytes += lastBytes.length;
    }
    offsets[i + 1] = bytes;
  }
  if (!col.nullable && nulls > 0)
    throw new Error(`column ${col.name} is not nullable but has ${nulls} null(s)`);
  const values = new Uint8Array(bytes);
  if (known.size === 1 && nulls === 0) {
    // One text in every cell (a block's configuration, study, worker): copied in doubling runs.
    values.set(lastBytes, 0);
    for (let filled = lastBytes.length; filled < bytes; filled *= 2)
      values.copyWithin(filled, 0, Math.min(filled, bytes - filled));
  } else
    for (let i = 0; i < n; i++) {
      const t = texts[i];
      const at = offsets[i];
      // Short texts byte by byte: a TypedArray.set call costs more than copying a status.
      if (t.length <= 32) for (let j = 0; j < t.length; j++) values[at + j] = t[j];
      else values.set(t, at);
    }
  return { nullCount: nulls, validity: nulls > 0 ? validity(cells) : EMPTY, offsets, values };
}
