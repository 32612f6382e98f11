import type { StudyManifest } from '../out-dir.js';
import type { Figure } from './figure.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A self-contained page: the summary table and every figure (SVG, with its PNG linked) with its caption. */
export function htmlPage(
  m: StudyManifest,
  rows: number,
  summaryText: string,
  figures: readonly Figure[],
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(m.name)} — saddlescope report</title>
<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}pre{overflow-x:auto;background:#f6f6f6;padding:1em}figure{margin:2em 0}figcaption{color:#444;max-width:900px}img{max-width:100%;height:auto}</style>
</head><body>
<h1>${esc(m.name)}</h1>
<p>${esc(m.spec.description ?? '')}</p>
<p>${rows} of ${m.tasks} runs · plan <code>${esc(m.planHash)}</code> · study seed ${m.spec.seed} · saddlescope ${esc(m.versions.saddlescope)}${m.versions.git && /^[0-9a-f]{40}/.test(m.versions.git) ? ` (commit ${esc(m.versions.git.slice(0, 12))}${m.versions.git.endsWith('+dirty') ? ', with local changes' : ''})` : ''} · Node ${esc(m.versions.node)}</p>
<h2>Summary</h2>
<pre>${esc(summaryText)}</pre>
<p>Also as <a href="summary.md">summary.md</a>.</p>
<h2>Figures</h2>
${figures
  .map(
    (f) =>
      `<figure id="${f.id}"><h3>${esc(f.title)}</h3><img src="figures/${f.id}.svg" alt="${esc(f.title)}"><figcaption>${esc(f.caption)} <a href="figures/${f.id}.png">PNG</a> · <a href="figures/${f.id}.vl.json">Vega-Lite spec</a></figcaption></figure>`,
  )
  .join('\n')}
</body></html>
`;
}
