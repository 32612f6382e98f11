import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchReport, formatReport } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js')).sort();
for (const file of files) {
  const name = file.replace(/\.bench\.js$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as {
    bench: () => Promise<BenchReport | readonly BenchReport[]>;
  };
  // A bench may print several tables (one report each).
  for (const report of [await mod.bench()].flat()) console.log(formatReport(report));
}
