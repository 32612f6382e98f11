import { Bool, type DataType, Field, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';
import type { Column, ColumnType } from '../study/columns.js';

/** The Arrow side of a table schema (shared/study/columns.ts): the type of a column. */
export function arrowType(t: ColumnType): DataType {
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
