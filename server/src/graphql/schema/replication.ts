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
    followerId: t.exposeID('followerId'),
    follower: t.field({
      type: AccountRef,
      nullable: true,
      description: 'null where you may not see the follower.',
      authScopes: sessionOrToken('accounts:read'),
      resolve: (s, _args, ctx) => visibleAccount(ctx, s.followerId),
    }),
    copied: t.exposeInt('copied'),
    failed: t.exposeInt('failed'),
    skipped: t.exposeInt('skipped'),
    inFlight: t.exposeInt('inFlight'),
    samples: t.exposeInt('samples', { description: 'Acknowledged copies the percentiles are computed over.' }),
    latencyP50Ms: t.float({ nullable: true, resolve: (s) => s.p50Ms }),
    latencyP95Ms: t.float({ nullable: true, resolve: (s) => s.p95Ms }),
    latencyP99Ms: t.float({ nullable: true, resolve: (s) => s.p99Ms }),
  }),
});

builder.queryField('replicationStats', (t) =>
  t.field({
    type: [FollowerReplicationStats],
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
