/**
 * A table's schema as data: each column written once (name, type, nullable, doc), and from the
 * list the row type (RowOf), the empty row (emptyRow), the wire schema (shared/study/wire.ts), the
 * Arrow schema (shared/tables/arrow-schema.ts) and the README's column table (markdownTable; a
 * test compares it with README.md). Adding a column is one edit of its table's list.
 */
export type ColumnType = 'utf8' | 'f64' | 'i32' | 'bool' | 'f64[]';

/** What one cell holds in memory, by column type. */
export interface CellTypes {
  utf8: string;
  f64: number;
  i32: number;
  bool: boolean;
  'f64[]': Float64Array;
}

export interface Column<
  N extends string = string,
  T extends ColumnType = ColumnType,
  Nullable extends boolean = boolean,
> {
  readonly name: N;
  readonly type: T;
  readonly nullable: Nullable;
  /** What the column means: README's column table says this. */
  readonly doc: string;
  /** utf8 only: the values it may take (the row type is their union; the wire refuses others). */
  readonly values?: readonly string[];
  /** utf8 only: a pattern every value matches (checked on the wire). */
  readonly pattern?: RegExp;
  /** f64 only: whole numbers only (indices past int32's range), checked on the wire. */
  readonly integer?: boolean;
  /** The cell of the empty row when not null (nullable) or '', 0, false (by type). */
  readonly empty?: CellTypes[T] | null;
}

type Extras<T extends ColumnType> = Pick<Column<string, T>, 'values' | 'pattern' | 'integer' | 'empty'>;

/** One column; its name, type, nullability and values are kept as literal types for RowOf. */
export function column<
  const N extends string,
  const T extends ColumnType,
  const Nullable extends boolean,
  const E extends Extras<T> = Record<never, never>,
>(name: N, type: T, nullable: Nullable, doc: string, extras?: E): Column<N, T, Nullable> & E {
  return { name, type, nullable, doc, ...extras } as Column<N, T, Nullable> & E;
}

type CellOf<C extends Column> =
  | (C extends { readonly values: readonly (infer V)[] } ? V : CellTypes[C['type']])
  | (C['nullable'] extends true ? null : never);

/** The row object of a table: one field per column, named as the column. */
export type RowOf<Cs extends readonly Column[]> = { -readonly [C in Cs[number] as C['name']]: CellOf<C> };

/** A table held column-wise (the history of a run): i32 columns as Int32Array, the rest Float64Array. */
export type ColumnsOf<Cs extends readonly Column[]> = {
  -readonly [C in Cs[number] as C['name']]: C['type'] extends 'i32' ? Int32Array : Float64Array;
};

/** The cell a column holds until it is filled: its `empty`, else null when nullable, else '', false, [] or 0. */
export function emptyCell(c: Column): unknown {
  if (c.empty !== undefined) return c.empty;
  if (c.nullable) return null;
  switch (c.type) {
    case 'utf8':
      return '';
    case 'bool':
      return false;
    case 'f64[]':
      return new Float64Array(0);
    default:
      return 0;
  }
}

/** A fresh row of `columns` holding every column's empty cell, in column order. */
export function emptyRow<Cs extends readonly Column[]>(columns: Cs): RowOf<Cs> {
  return rowMaker(columns)();
}

/**
 * A maker of fresh empty rows of `columns`, each built property by property in column order, so
 * every row has one fast hidden class. Spreading an empty row (`{ ...EMPTY, task_id }`) took V8's
 * slow path for a row this wide, several times slower to build (the measurement is in the message
 * of the commit that made this function) and a tenth of a tiny torus task.
 */
export function rowMaker<Cs extends readonly Column[]>(columns: Cs): () => RowOf<Cs> {
  const values = columns.map(emptyCell);
  const make = literalMaker(
    columns.map((c) => c.name),
    (j) => `v[${j}]`,
    'v',
  );
  if (make === null)
    throw new Error(`column names must be identifiers: ${columns.map((c) => c.name).join(', ')}`);
  return () => (make as (v: unknown[]) => RowOf<Cs>)(values);
}

/** A name that generated code can write as a property name or after a dot. */
export const isIdentifier = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

/**
 * A function of `params` returning the object literal { names[j]: cell(j) }, or null when a name
 * is not an identifier. V8 builds such a literal from one boilerplate with one hidden class, where
 * a loop of keyed stores walks a hidden-class transition a field: for forty columns that took
 * longer than filling them (rows of tiny runs, rows read back from segments).
 */
export function literalMaker(
  names: readonly string[],
  cell: (j: number) => string,
  ...params: string[]
): ((...args: never[]) => Record<string, unknown>) | null {
  if (!names.every(isIdentifier)) return null;
  return new Function(...params, `return { ${names.map((n, j) => `${n}: ${cell(j)}`).join(', ')} };`) as (
    ...args: never[]
  ) => Record<string, unknown>;
}

/** The names of `columns`, in order. */
export function columnNames<Cs extends readonly Column[]>(columns: Cs): Cs[number]['name'][] {
  return columns.map((c) => c.name);
}

/** README's table of `columns`: name, type, `yes` when nullable, doc (with `|` escaped). */
export function markdownTable(columns: readonly Column[]): string {
  const rows = columns.map(
    (c) => `| \`${c.name}\` | ${c.type} | ${c.nullable ? 'yes' : ''} | ${c.doc.replaceAll('|', '\\|')} |`,
  );
  return ['| column | type | null | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
