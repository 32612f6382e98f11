import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Figure } from './figure.js';

/** Renders a figure headless: Vega-Lite → Vega → SVG (vega's own renderer), then PNG with resvg at 2×. */
export async function renderFigure(fig: Figure): Promise<{ svg: string; png: Uint8Array }> {
  const spec = compile({
    ...fig.spec,
    config: { font: 'DejaVu Sans, Arial, sans-serif', ...(fig.spec.config ?? {}) },
  } as never).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true },
  })
    .render()
    .asPng();
  return { svg, png };
}
