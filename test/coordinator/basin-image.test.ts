import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import test from 'ava';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

/** The RGB pixels of a PNG written by report/png.ts (8-bit RGB, filter 0 on every line). */
function decodePng(png: Buffer): { width: number; height: number; rgb: Uint8Array } {
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    if (raw[y * (width * 3 + 1)] !== 0) throw new Error('unexpected PNG filter');
    rgb.set(raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)), y * width * 3);
  }
  return { width, height, rgb };
}

test('basin image: a torus study on a 30 × 30 grid of starts; each pixel is its run’s end point, recounted from the table', async (t) => {
  const dir = tempDir();
  const G = 30;
  const spec = writeSpec(
    dir,
    `name: basins\nseed: 4\nproblem: { kind: torus, initGrid: ${G} }\noptimizers: [ { kind: newton } ]\nseeds: ${G * G}\n`,
  );
  const out = join(dir, 'out');
  t.is((await runCli(['run', spec, '--out', out])).code, 0);
  const r = await runCli(['report', out]);
  t.is(r.code, 0, r.stderr);
  const vl = JSON.parse(readFileSync(join(out, 'report', 'figures', 'basin-image-1.vl.json'), 'utf8'));
  const url: string = vl.layer[0].encoding.url.value;
  const img = decodePng(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'));
  t.deepEqual([img.width, img.height], [G, G]);
  const legend = vl.layer[1].encoding.color.scale;
  const colourOf = new Map<string, string>(legend.domain.map((p: string, k: number) => [p, legend.range[k]]));
  const runs = readTable(out).toArray();
  t.is(runs.length, G * G);
  const pixel = (i: number, j: number) =>
    `#${[...img.rgb.subarray((j * G + i) * 3, (j * G + i) * 3 + 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  for (const row of runs) {
    const seed = row.seed as number;
    const i = seed % G;
    const j = G - 1 - Math.floor(seed / G);
    const name = row.status === 'converged' ? (row.stationary_point ?? 'other') : row.status;
    t.is(pixel(i, j), colourOf.get(name) ?? 'not in the legend', `seed ${seed}`);
    // The run did start at its cell's centre.
    const [a, b] = row.initial_params.toArray() as number[];
    t.true(Math.abs(a - (-Math.PI + ((i + 0.5) * 2 * Math.PI) / G)) < 1e-12);
    t.true(Math.abs(b - (-Math.PI + ((Math.floor(seed / G) + 0.5) * 2 * Math.PI) / G)) < 1e-12);
  }
});
