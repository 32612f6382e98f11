import { existsSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
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
