import type { EntityManager } from '@mikro-orm/core';
import { execute, toNumber } from '../db.ts';

export interface FollowerStats {
  followerId: string;
  copied: number;
  failed: number;
  skipped: number;
  inFlight: number;
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

const orNull = (value: unknown) => (value === null || value === undefined ? null : Math.round(toNumber(value) * 10) / 10);

/**
 * Per follower, over children created since `since` (optionally of one master account):
 * how many were copied, failed, skipped or are still in flight, and the latency from
 * detection of the master to the broker's acknowledgement of the child (p50/p95/p99). Every
 * follower linked (to that master) has a row, with zeros while it has no copies in that time.
 */
export async function replicationStats(
  em: EntityManager,
  since: Date,
  followerIds: string[] | null,
  masterAccountId: string | null,
): Promise<FollowerStats[]> {
  const filters: string[] = ['c.master_order_id is not null', 'c.created_at >= ?'];
  const params: unknown[] = [since];
  const linkFilters: string[] = [];
  const linkParams: unknown[] = [];
  if (followerIds !== null) {
    if (followerIds.length === 0) return [];
    const list = followerIds.map(() => '?').join(', ');
    filters.push(`c.account_id in (${list})`);
    params.push(...followerIds);
    linkFilters.push(`follower_id in (${list})`);
    linkParams.push(...followerIds);
  }
  if (masterAccountId !== null) {
    filters.push('m.account_id = ?');
    params.push(masterAccountId);
    linkFilters.push('master_id = ?');
    linkParams.push(masterAccountId);
  }
  const latency = 'extract(epoch from (c.acknowledged_at - c.detected_at)) * 1000';
  const rows = await execute<Record<string, unknown>[]>(
    em,
    `
    with stats as (
    select c.account_id as follower_id,
      count(*) filter (where c.status in ('OPEN', 'TRIGGER_PENDING', 'AMO_QUEUED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED')) as copied,
      count(*) filter (where c.status in ('FAILED', 'REJECTED')) as failed,
      count(*) filter (where c.status = 'SKIPPED') as skipped,
      count(*) filter (where c.status in ('PENDING', 'SENT')) as in_flight,
      count(c.acknowledged_at) as samples,
      percentile_cont(0.5) within group (order by ${latency}) filter (where c.acknowledged_at is not null) as p50,
      percentile_cont(0.95) within group (order by ${latency}) filter (where c.acknowledged_at is not null) as p95,
      percentile_cont(0.99) within group (order by ${latency}) filter (where c.acknowledged_at is not null) as p99
    from orders c join orders m on m.id = c.master_order_id
    where ${filters.join(' and ')}
    group by c.account_id),
    linked as (select distinct follower_id from multipliers${linkFilters.length > 0 ? ` where ${linkFilters.join(' and ')}` : ''})
    select coalesce(s.follower_id, l.follower_id) as follower_id,
      coalesce(s.copied, 0) as copied, coalesce(s.failed, 0) as failed, coalesce(s.skipped, 0) as skipped,
      coalesce(s.in_flight, 0) as in_flight, coalesce(s.samples, 0) as samples, s.p50, s.p95, s.p99
    from stats s full join linked l on l.follower_id = s.follower_id
    order by 1`,
    [...params, ...linkParams],
  );
  return rows.map((row) => ({
    followerId: String(row.follower_id),
    copied: toNumber(row.copied),
    failed: toNumber(row.failed),
    skipped: toNumber(row.skipped),
    inFlight: toNumber(row.in_flight),
    samples: toNumber(row.samples),
    p50Ms: orNull(row.p50),
    p95Ms: orNull(row.p95),
    p99Ms: orNull(row.p99),
  }));
}
