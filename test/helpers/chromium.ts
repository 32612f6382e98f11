import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export interface PageCheck {
  /** Console messages the page logged (errors, warnings and logs), as Chromium reports them. */
  readonly console: string[];
  /** Images that loaded with a size, and those that did not. */
  readonly images: { readonly loaded: number; readonly broken: string[] };
}

/**
 * Opens an HTML file in headless Chromium (Debian's) as a user's browser would, beside a copy that
 * reports, once loaded, every image that failed to load; returns the page's console messages.
 */
export async function openInChromium(html: string): Promise<PageCheck> {
  const probe = join(dirname(html), `.probe-${process.pid}.html`);
  const script = `<script>window.addEventListener('load', () => {
  const imgs = [...document.images];
  const broken = imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.getAttribute('src'));
  console.log('PROBE ' + JSON.stringify({ loaded: imgs.length - broken.length, broken }));
});</script>`;
  writeFileSync(probe, readFileSync(html, 'utf8').replace('</body>', `${script}</body>`));
  const child = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--enable-logging=stderr',
      '--v=0',
      '--virtual-time-budget=5000',
      '--dump-dom',
      pathToFileURL(probe).href,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((resolve) => child.on('close', resolve));
  const console = stderr
    .split('\n')
    .filter((l) => l.includes(':CONSOLE'))
    .map((l) => l.replace(/^.*?:CONSOLE[^\]]*\]\s*/, ''));
  const probeLine = console.find((l) => l.includes('PROBE '));
  if (!probeLine) throw new Error(`chromium did not run the page's load handler:\n${stderr.slice(-2000)}`);
  const images = JSON.parse(
    probeLine
      .slice(probeLine.indexOf('PROBE ') + 6)
      .replace(/", source:.*$/, '')
      .replace(/\\"/g, '"'),
  );
  return { console: console.filter((l) => !l.includes('PROBE ')), images };
}
