import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../shared/study/errors.js';
import { compareStudies, formatComparison } from '../compare.js';
import { compareFigure } from '../report/compare-figure.js';
import { renderFigure } from '../report/render.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'the outcome tables of several out dirs side by side (same problem × optimizer keys), with intervals and a difference test against the first',
    )
    .argument('<dirs...>', 'two or more out dirs')
    .option('--json', 'machine-readable output')
    .option('--figure <dir>', 'also write compare.svg, compare.png and compare.vl.json there')
    .action(async (dirs: string[], o: { json?: boolean; figure?: string }) => {
      if (dirs.length < 2) throw new InputError('compare: give at least two out dirs');
      const c = compareStudies(dirs);
      console.log(o.json ? JSON.stringify(c, null, 2) : formatComparison(c));
      if (o.figure) {
        const fig = compareFigure(c);
        const { svg, png } = await renderFigure(fig);
        mkdirSync(o.figure, { recursive: true });
        writeFileSync(join(o.figure, 'compare.svg'), svg);
        writeFileSync(join(o.figure, 'compare.png'), png);
        writeFileSync(join(o.figure, 'compare.vl.json'), JSON.stringify(fig.spec));
        console.error(join(o.figure, 'compare.png'));
      }
    });
}
