import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { StudyPlan } from '../../shared/study/plan.js';
import { atomicWrite } from '../files.js';
import { readManifest } from '../out-dir.js';
import { StoredResults } from '../store/read.js';
import { formatStudySummary, studySummary } from '../study-summary.js';
import { basinImageFigures } from './basin-image.js';
import { basisFigures } from './basis-figures.js';
import type { ReportContext } from './context.js';
import type { Figure } from './figure.js';
import { htmlPage } from './html.js';
import { labelsOf } from './labels.js';
import { basinFigures, landscapeFigures } from './landscape.js';
import { mapFigures } from './map.js';
import { markdownSummary } from './markdown.js';
import { outcomeFigures } from './outcomes.js';
import { renderFigure } from './render.js';
import { solutionMapFigures } from './solution-maps.js';
import { spectrumFigures } from './spectra.js';
import { traceFigures } from './traces.js';
import { trialsFigures } from './trials-figures.js';

/** Figure builders, in the order the report shows them; each returns nothing where it does not apply. */
const BUILDERS: Array<(ctx: ReportContext) => Figure[]> = [
  outcomeFigures,
  mapFigures,
  spectrumFigures,
  basisFigures,
  solutionMapFigures,
  traceFigures,
  basinFigures,
  basinImageFigures,
  landscapeFigures,
  trialsFigures,
];

export interface ReportFiles {
  readonly dir: string;
  readonly html: string;
  readonly markdown: string;
  readonly figures: readonly Figure[];
}

/** Writes DIR/report/index.html, summary.md and figures/*.svg|png from an out dir's tables. */
export async function writeReport(dir: string, log: Logger): Promise<ReportFiles> {
  const manifest = readManifest(dir);
  // Streams over the out dir's segments, read again by each figure (store/read.ts).
  const stored = new StoredResults(dir);
  const plan = new StudyPlan(manifest.spec);
  const ctx: ReportContext = {
    manifest,
    runs: () => stored.runs({ task: true }),
    history: () => stored.history(),
    trials: () => stored.trials({ task: true }),
    labels: labelsOf(stored.runs()),
  };
  const out = join(dir, 'report');
  mkdirSync(join(out, 'figures'), { recursive: true });
  const figures: Figure[] = [];
  for (const build of BUILDERS) figures.push(...build(ctx));
  for (const [i, fig] of figures.entries()) {
    log.info(`report: figure ${i + 1}/${figures.length}: ${fig.id}`);
    const { svg, png } = await renderFigure(fig);
    writeFileSync(join(out, 'figures', `${fig.id}.svg`), svg);
    writeFileSync(join(out, 'figures', `${fig.id}.png`), png);
    writeFileSync(join(out, 'figures', `${fig.id}.vl.json`), JSON.stringify(fig.spec));
  }
  const summary = studySummary({ runs: ctx.runs(), trials: ctx.trials() }, (r) => plan.rankOf(r.config));
  const md = markdownSummary(manifest, summary, figures);
  const files = { dir: out, html: join(out, 'index.html'), markdown: join(out, 'summary.md'), figures };
  atomicWrite(files.markdown, md);
  atomicWrite(files.html, htmlPage(manifest, summary.rows, formatStudySummary(summary), figures));
  return files;
}
