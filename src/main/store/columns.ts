// A record's fields and the table columns that store them, declared once per table (session-rows.ts,
// label-columns.ts): the column names, the values an INSERT binds, the record read back from a row, and the
// record as an export's JSON row (and back) all follow from that one list, so a new field is added in one place.
import type Database from 'better-sqlite3'

/** A value SQLite stores. */
export type Sql = string | number | bigint | Buffer | null

/** How one field of a record (V; J in an export's JSON row) is stored in its column. */
export interface Column<V, J = V> {
  name: string
  /** the column may hold NULL (an equality test on it is `IS ?`) */
  nullable?: boolean
  toSql: (value: V) => Sql
  fromSql: (value: Sql) => V
  /** the export's JSON of the value; absent: the value itself */
  toJson?: (value: V) => J
  /** the value from the export's JSON; absent: the JSON itself */
  fromJson?: (json: J) => V
}

/** A column for every field of T, in the order the export writes them (the compiler asks for a new field's). */
export type ColumnSpec<T, J = T> = { readonly [K in keyof T]-?: Column<T[K], K extends keyof J ? J[K] : T[K]> }

/** A column stored as the value itself (text, number or NULL). */
export function plain<V extends Sql>(name: string, nullable = false): Column<V> {
  return { name, nullable, toSql: (v) => v, fromSql: (v) => v as V }
}

type Entry = [field: string, column: Column<unknown, unknown>]

/** The columns of a record of type T (J: the same record in an export's JSON row). */
export class Columns<T, J = T> {
  private readonly entries: readonly Entry[]
  /** the column names in field order, comma-separated (SELECT and INSERT lists) */
  readonly list: string
  /** `a = ? AND b IS ? ...`: true for the rows that store exactly the record whose values() are bound */
  readonly same: string

  constructor(spec: ColumnSpec<T, J>) {
    this.entries = Object.entries(spec as unknown as Record<string, Column<unknown, unknown>>)
    this.list = this.entries.map(([, c]) => c.name).join(', ')
    this.same = this.entries.map(([, c]) => `${c.name} ${c.nullable ? 'IS' : '='} ?`).join(' AND ')
  }

  /** The record's values in `list` order. */
  values(record: T): Sql[] {
    const r = record as Record<string, unknown>
    return this.entries.map(([k, c]) => c.toSql(r[k]))
  }

  /** The record a row stores (the row may hold other columns too). */
  fromRow(row: object): T {
    const r = row as Record<string, Sql>
    return Object.fromEntries(this.entries.map(([k, c]) => [k, c.fromSql(r[c.name])])) as T
  }

  /** The record as an export's JSON row has it, fields in column order. */
  toJson(record: T): { [K in keyof T]-?: K extends keyof J ? J[K] : T[K] } {
    const r = record as Record<string, unknown>
    return Object.fromEntries(this.entries.map(([k, c]) => [k, c.toJson ? c.toJson(r[k]) : r[k]])) as never
  }

  /** The record an export's JSON row holds (the row may hold other fields too). */
  fromJson(json: { [K in keyof T & keyof J]: J[K] }): T {
    const r = json as Record<string, unknown>
    return Object.fromEntries(this.entries.map(([k, c]) => [k, c.fromJson ? c.fromJson(r[k]) : r[k]])) as T
  }

  /** INSERT the record and `more` (other columns by name) into `table`; returns the new row's id. */
  insert(
    prepare: (sql: string) => Database.Statement,
    table: string,
    record: T,
    more: Readonly<Record<string, Sql>>,
  ): number {
    const names = [this.list, ...Object.keys(more)].join(', ')
    const marks = Array.from({ length: this.entries.length + Object.keys(more).length }, () => '?').join(', ')
    return Number(
      prepare(`INSERT INTO ${table} (${names}) VALUES (${marks})`).run(...this.values(record), ...Object.values(more))
        .lastInsertRowid,
    )
  }
}
