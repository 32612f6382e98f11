import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import test from 'ava';
import { Journal } from '../../coordinator/journal.js';
import { tempDir } from '../helpers/cli.js';

test('journal: records reach the file at flush, in order, exact; a torn tail is dropped', (t) => {
  const path = join(tempDir(), 'results.journal');
  const j = new Journal(path);
  const records = [
    { id: 'a', x: Number.NaN, v: new Float64Array([-0, Number.POSITIVE_INFINITY]) },
    { id: 'b', x: 1.5, v: null },
    { id: 'c', x: -0, v: new Float64Array(0) },
  ];
  j.append(records[0]);
  j.append(records[1]);
  t.false(existsSync(path), 'nothing written before a flush');
  j.flush();
  t.deepEqual(Journal.read(path), records.slice(0, 2));
  j.append(records[2]);
  j.close(); // flushes what is left
  const back = Journal.read<(typeof records)[number]>(path);
  t.deepEqual(back, records);
  t.true(Object.is(back[2].x, -0));
  // A kill in the middle of a write: the last record is cut short and ignored.
  truncateSync(path, statSync(path).size - 3);
  t.deepEqual(Journal.read(path), records.slice(0, 2));
});

test('journal: records of bytes come back as the bytes, between clone records; damage in one costs only it', (t) => {
  const path = join(tempDir(), 'results.journal');
  const j = new Journal(path);
  const bytes = [Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff), new Uint8Array(0)];
  j.append({ id: 'a' });
  j.appendBytes(bytes[0]);
  j.appendBytes(bytes[1]);
  j.append({ id: 'b' });
  j.close();
  const back = Journal.read<unknown>(path);
  t.deepEqual(back, [{ id: 'a' }, bytes[0], bytes[1], { id: 'b' }]);
  t.true(back[1] instanceof Uint8Array);
  // A byte of the first bytes record overwritten: its checksum fails, the reader finds the next frame.
  const buf = readFileSync(path);
  buf[200] ^= 0xff;
  writeFileSync(path, buf);
  const scan = Journal.scan<unknown>(path);
  t.deepEqual(scan.records, [{ id: 'a' }, bytes[1], { id: 'b' }]);
  t.is(scan.damage.length, 1);
  t.is(scan.damage[0].reason, 'checksum mismatch');
  // Cut inside the last frame's magic: a torn tail, not damage.
  const whole = statSync(path).size;
  const lastFrame = 12 + serialize({ id: 'b' }).length;
  truncateSync(path, whole - lastFrame + 2);
  const cut = Journal.scan<unknown>(path);
  t.is(cut.tornTail, 2);
  t.deepEqual(cut.records, [{ id: 'a' }, bytes[1]]);
});
