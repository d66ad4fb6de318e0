import type { EntityClass, EntityManager, EntityProperty } from '@mikro-orm/core';
import { execute } from './db.ts';

interface Column {
  property: string;
  name: string;
  type: string;
  primary: boolean;
}

const columnsByEntity = new WeakMap<object, Column[]>();

/** The entity's stored columns, one per property, read once from the ORM's metadata. */
function columnsOf(em: EntityManager, entity: EntityClass<object>): Column[] {
  const known = columnsByEntity.get(entity);
  if (known) return known;
  const meta = em.getMetadata().get(entity.name);
  const columns = meta.props
    .filter((prop: EntityProperty) => prop.persist !== false && prop.fieldNames?.length === 1 && prop.columnTypes?.length === 1)
    .map((prop: EntityProperty) => ({
      property: prop.name,
      name: prop.fieldNames[0]!,
      type: prop.columnTypes[0]!,
      primary: prop.primary === true,
    }));
  columnsByEntity.set(entity, columns);
  return columns;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows of one entity, to write in one statement. */
export interface Rows<T extends object = object> {
  entity: EntityClass<T>;
  rows: T[];
}

/** The rows as one JSON array of records keyed by column, and the record type jsonb_to_recordset unpacks it as. */
function asRecordset<T extends object>(columns: Column[], rows: T[]): { param: string; definitions: string } {
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const column of columns) record[column.name] = (row as Record<string, unknown>)[column.property] ?? null;
    return record;
  });
  return { param: JSON.stringify(records), definitions: columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ') };
}

const tableOf = (em: EntityManager, entity: EntityClass<object>) => quote(em.getMetadata().get(entity.name).tableName);

/**
 * One update of many rows, each to every stored value it has (the rows were read whole, under
 * lock), matched by primary key, with one parameter (`?`): for the hot path (a batch of brokers'
 * replies), where the ORM's batched update (a CASE per column over every row) costs the most.
 */
export function updateStatement<T extends object>(em: EntityManager, { entity, rows }: Rows<T>): { sql: string; param: string } {
  const columns = columnsOf(em, entity);
  const key = columns.filter((c) => c.primary);
  const changed = columns.filter((c) => !c.primary);
  const { param, definitions } = asRecordset(columns, rows);
  const names = changed.map((c) => quote(c.name)).join(', ');
  const values = changed.map((c) => `r.${quote(c.name)}`).join(', ');
  const match = key.map((c) => `t.${quote(c.name)} = r.${quote(c.name)}`).join(' and ');
  return {
    sql: `update ${tableOf(em, entity)} as t set (${names}) = row(${values}) from jsonb_to_recordset(?::jsonb) as r(${definitions}) where ${match}`,
    param,
  };
}

/**
 * One insert of many rows with one parameter (`?`): the rows as a JSON array, which
 * PostgreSQL unpacks with jsonb_to_recordset (alias `r`). `computed` replaces a column's value
 * with an SQL expression (over `r` and `from`), for a statement that composes several.
 */
export function insertStatement<T extends object>(
  em: EntityManager,
  { entity, rows }: Rows<T>,
  options: { from?: string; computed?: Record<string, string> } = {},
): { sql: string; param: string } {
  const columns = columnsOf(em, entity);
  const { param, definitions } = asRecordset(columns, rows);
  const names = columns.map((c) => quote(c.name)).join(', ');
  const values = columns.map((c) => options.computed?.[c.name] ?? `r.${quote(c.name)}`).join(', ');
  const from = options.from ? `${options.from}, ` : '';
  return {
    sql: `insert into ${tableOf(em, entity)} (${names}) select ${values} from ${from}jsonb_to_recordset(?::jsonb) as r(${definitions})`,
    param,
  };
}

/**
 * Inserts many new rows in one statement. For the hot path (a fan-out's children and their
 * events), where the unit of work's per-entity bookkeeping costs more than the insert itself.
 * The objects are not managed by `em` afterwards: they are written, not tracked.
 */
export async function bulkInsert<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const { sql, param } = insertStatement(em, { entity, rows });
  await execute(em, sql, [param]);
}
