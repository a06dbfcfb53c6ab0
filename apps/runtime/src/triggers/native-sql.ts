import type { DataSource, EntityManager } from 'typeorm';
import { isPostgres } from '../database/data-source.js';

/** Runs SQL with `:name` parameters on either driver (`$n` for PostgreSQL, `?` for SQLite). */
export async function nativeQuery(
  db: DataSource | EntityManager,
  text: string,
  params: Record<string, unknown> = {},
): Promise<Array<Record<string, unknown>>> {
  const connection = 'connection' in db ? db.connection : db;
  const pg = isPostgres(connection);
  const values: unknown[] = [];
  const query = text.replace(/:([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name}`);
    values.push(params[name]);
    return pg ? `$${values.length}` : '?';
  });
  const result = (await db.query(query, values)) as unknown;
  // TypeORM hands back [rows, affected] for a PostgreSQL UPDATE ... RETURNING.
  if (pg && Array.isArray(result) && Array.isArray(result[0]))
    return result[0] as Array<Record<string, unknown>>;
  return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
}
