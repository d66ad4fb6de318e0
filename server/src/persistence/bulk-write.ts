import type { EntityClass, EntityManager, EntityProperty } from '@mikro-orm/core';
import { execute } from './db.ts';

interface Column {
  property: string;
  name: string;
  type: string;
}

const columnsByEntity = new WeakMap<object, Column[]>();

/** The entity's stored columns, one per property, read once from the ORM's metadata. */
function columnsOf(em: EntityManager, entity: EntityClass<object>): Column[] {
  const known = columnsByEntity.get(entity);
  if (known) return known;
  const meta = em.getMetadata().get(entity.name);
  const columns = meta.props
    .filter((prop: EntityProperty) => prop.persist !== false && prop.fieldNames?.length === 1 && prop.columnTypes?.length === 1)
    .map((prop: EntityProperty) => ({ property: prop.name, name: prop.fieldNames[0]!, type: prop.columnTypes[0]! }));
  columnsByEntity.set(entity, columns);
  return columns;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Inserts many new rows in one statement with one parameter: the rows as a JSON array, which
 * PostgreSQL unpacks with jsonb_to_recordset. For the hot path (a fan-out's children and their
 * events), where the unit of work's per-entity bookkeeping costs more than the insert itself.
 * The objects are not managed by `em` afterwards: they are written, not tracked.
 */
export async function bulkInsert<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = columnsOf(em, entity);
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const column of columns) record[column.name] = (row as Record<string, unknown>)[column.property] ?? null;
    return record;
  });
  const names = columns.map((c) => quote(c.name)).join(', ');
  const definitions = columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ');
  const table = quote(em.getMetadata().get(entity.name).tableName);
  await execute(em, `insert into ${table} (${names}) select ${names} from jsonb_to_recordset(?::jsonb) as r(${definitions})`, [
    JSON.stringify(records),
  ]);
}
