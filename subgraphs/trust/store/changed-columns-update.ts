import type { Database, Statement } from 'better-sqlite3';

/** A column and the field of the bound values object that holds its new value. */
export type ColumnOfField = readonly [field: string, column: string];

/**
 * An UPDATE of only the columns whose value changed. SQLite rewrites an index only when one of its
 * columns is in the SET list, and each index entry rewritten is one more page in the commit's WAL
 * write (issue 16), so a row that changed one column costs one index, not all of them. The
 * statement of each set of changed columns is prepared once, keyed by a bit mask (no SQL text
 * built per call). At most 31 columns.
 */
export class ChangedColumnsUpdate {
  readonly #db: Database;
  readonly #table: string;
  readonly #columns: readonly ColumnOfField[];
  readonly #alwaysSet: string;
  readonly #where: string;
  readonly #statements = new Map<number, Statement<[Record<string, unknown>]>>();

  /**
   * @param where the row, with named parameters of the values object (`id_key = @idKey`)
   * @param alwaysSet assignments made on every update (`updated_at = @t`), or '' for none
   */
  constructor(db: Database, table: string, columns: readonly ColumnOfField[], where: string, alwaysSet = '') {
    if (columns.length > 31) throw new RangeError('ChangedColumnsUpdate: at most 31 columns');
    this.#db = db;
    this.#table = table;
    this.#columns = columns;
    this.#where = where;
    this.#alwaysSet = alwaysSet;
  }

  /** Bit i set: `columns[i]` differs between the stored row and the values. */
  changes(stored: Record<string, unknown>, values: Record<string, unknown>): number {
    let mask = 0;
    for (let i = 0; i < this.#columns.length; i++) {
      const [field, column] = this.#columns[i]!;
      if (stored[column] !== values[field]) mask |= 1 << i;
    }
    return mask;
  }

  /** The mask of these fields (to test a `changes` result against). */
  maskOf(fields: readonly string[]): number {
    let mask = 0;
    this.#columns.forEach(([field], i) => {
      if (fields.includes(field)) mask |= 1 << i;
    });
    return mask;
  }

  /** Writes the changed columns (and `alwaysSet`); with no change and no `alwaysSet`, nothing. */
  run(mask: number, values: Record<string, unknown>): void {
    if (mask === 0 && this.#alwaysSet === '') return;
    let statement = this.#statements.get(mask);
    if (!statement) {
      const sets = this.#columns.filter((_, i) => mask & (1 << i)).map(([field, column]) => `${column} = @${field}`);
      if (this.#alwaysSet) sets.push(this.#alwaysSet);
      statement = this.#db.prepare(`UPDATE ${this.#table} SET ${sets.join(', ')} WHERE ${this.#where}`);
      this.#statements.set(mask, statement);
    }
    statement.run(values);
  }
}
