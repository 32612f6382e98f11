import { Bool, type DataType, Field, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';

export type ColumnType = 'utf8' | 'f64' | 'i32' | 'bool' | 'f64[]';

/** A documented column: README.md's column tables are checked against these in a test. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly doc: string;
}

function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'utf8':
      return new Utf8();
    case 'f64':
      return new Float64();
    case 'i32':
      return new Int32();
    case 'bool':
      return new Bool();
    case 'f64[]':
      return new List(new Field('item', new Float64(), false));
  }
}

export function arrowField(c: Column): Field {
  return new Field(c.name, arrowType(c.type), c.nullable);
}

export function arrowSchema(columns: readonly Column[]): Schema {
  return new Schema(columns.map(arrowField));
}

export { arrowType };
