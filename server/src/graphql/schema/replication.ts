import { istDayStart } from '../../replicator/facts.ts';
import { replicationStats, type FollowerStats } from '../../persistence/repositories/replication-stats.repository.ts';
import { accountFor, visibleAccountIds } from '../../services/access.ts';
import { sessionOrToken } from '../auth-rules.ts';
import { builder } from '../builder.ts';
import { visibleAccount } from '../context.ts';
import { AccountRef } from './account.ts';

const FollowerReplicationStats = builder.objectRef<FollowerStats>('FollowerReplicationStats').implement({
  description: "How one follower's copies went: counts, and latency from detecting the master to the broker acknowledging the copy.",
  fields: (t) => ({
    followerId: t.exposeID('followerId', { description: 'The follower account, even where you may not see it.' }),
    follower: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null where you may not see the follower.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (s, _args, ctx) => visibleAccount(ctx, s.followerId),
    }),
    copied: t.exposeInt('copied', {
      description:
        'Copies the broker took (OPEN, TRIGGER_PENDING, AMO_QUEUED, PARTIALLY_FILLED, FILLED or CANCELLED). Every count is of orders: each leg of a split copy counts.',
    }),
    failed: t.exposeInt('failed', { description: 'Copies that FAILED or were REJECTED.' }),
    skipped: t.exposeInt('skipped', { description: 'Copies Tandem SKIPPED; each order says why in `reason`.' }),
    inFlight: t.exposeInt('inFlight', { description: 'Copies without an answer yet (PENDING or SENT).' }),
    samples: t.exposeInt('samples', { description: 'Acknowledged copies the percentiles are computed over.' }),
    latencyP50Ms: t.float({
      nullable: true,
      description: 'Median latency in milliseconds (to 0.1 ms); null without samples.',
      resolve: (s) => s.p50Ms,
    }),
    latencyP95Ms: t.float({
      nullable: true,
      description: '95th percentile latency in milliseconds; null without samples.',
      resolve: (s) => s.p95Ms,
    }),
    latencyP99Ms: t.float({
      nullable: true,
      description: '99th percentile latency in milliseconds; null without samples.',
      resolve: (s) => s.p99Ms,
    }),
  }),
});

builder.queryField('replicationStats', (t) =>
  t.field({
    type: [FollowerReplicationStats],
    description:
      'How copying went since `since`: one entry per follower you may see that is linked (to `masterId`, when given) or has copies in that time; a linked follower with none has zeros and null latencies.',
    authScopes: sessionOrToken('orders:read'),
    args: {
      masterId: t.arg.id({ description: 'Only copies of this master account.' }),
      since: t.arg({ type: 'DateTime', description: 'Defaults to the start of the IST trading day.' }),
    },
    resolve: async (_root, args, ctx) => {
      const em = ctx.services.orm.em.fork();
      const masterId = args.masterId == null ? null : (await accountFor(em, ctx.viewer!, String(args.masterId), 'masterId', 'read')).id;
      const since = args.since ?? istDayStart(ctx.services.clock.now());
      return replicationStats(em, since, await visibleAccountIds(em, ctx.viewer!), masterId);
    },
  }),
);
