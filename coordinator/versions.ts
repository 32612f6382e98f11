import { readFileSync } from 'node:fs';

function packageVersion(spec: string): string {
  try {
    const url = import.meta.resolve(`${spec}/package.json`);
    return (JSON.parse(readFileSync(new URL(url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Versions that can change result bits or file formats, stored in study.json. */
export function versions(): Record<string, string> {
  return {
    saddlescope: own.version,
    node: process.versions.node,
    v8: process.versions.v8,
    'apache-arrow': packageVersion('apache-arrow'),
  };
}
