import { Column } from 'typeorm';
import type { QueryDeepPartialEntity, ValueTransformer } from 'typeorm';

// Portable column shapes: the same DDL runs on SQLite and PostgreSQL, so times are epoch milliseconds
// in BIGINT (PostgreSQL hands BIGINT back as a string) and JSON documents are TEXT.
const ms: ValueTransformer = {
  to: (value: number | null | undefined) => value ?? null,
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : Number(value),
};

const json: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) =>
    value === null || value === undefined ? null : (JSON.parse(value) as unknown),
};

export function MsColumn(name: string, nullable = false): PropertyDecorator {
  return Column({ name, type: 'bigint', nullable, transformer: ms });
}

export function JsonColumn(name: string, nullable = true): PropertyDecorator {
  return Column({ name, type: 'text', nullable, transformer: json });
}

export function TextColumn(name: string, nullable = false): PropertyDecorator {
  return Column({ name, type: 'text', nullable });
}

export function IntColumn(name: string, nullable = false): PropertyDecorator {
  return Column({ name, type: 'integer', nullable });
}

/** TypeORM's insert types choke on `unknown`-typed JSON columns; an entity is a valid row. */
export function row<T>(entity: T): QueryDeepPartialEntity<T> {
  return entity as unknown as QueryDeepPartialEntity<T>;
}
