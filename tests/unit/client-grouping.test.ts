import { describe, expect, it } from 'vitest';
import { applyAccountStatus } from '../../client/src/features/accounts/account-status.ts';
import { sumCounts } from '../../client/src/features/overview/copy-counts.ts';
import { groupByMaster } from '../../client/src/features/overview/grouping.ts';

const account = (id: string, label: string, role: 'MASTER' | 'FOLLOWER') => ({
  id,
  label,
  role,
  connectionStatus: 'CONNECTED',
  statusReason: null as string | null,
});
const link = (id: string, masterId: string, followerId: string) => ({ id, masterId, followerId });

describe('the overview groups accounts by master', () => {
  const masterA = account('m-a', 'Alpha master', 'MASTER');
  const masterB = account('m-b', 'beta master', 'MASTER');
  const f1 = account('f-1', 'Follower one', 'FOLLOWER');
  const f2 = account('f-2', 'follower two', 'FOLLOWER');
  const f3 = account('f-3', 'Client three', 'FOLLOWER');

  it('puts each follower under the master it copies, masters and followers sorted by name', () => {
    const { groups, unlinked } = groupByMaster(
      [f2, masterB, f1, masterA],
      [link('l1', 'm-a', 'f-2'), link('l2', 'm-a', 'f-1'), link('l3', 'm-b', 'f-1')],
    );
    expect(groups.map((g) => g.master.label)).toEqual(['Alpha master', 'beta master']);
    expect(groups[0]!.followers.map((f) => f.account.label)).toEqual(['Follower one', 'follower two']);
    expect(groups[0]!.followers.map((f) => f.link.id)).toEqual(['l2', 'l1']);
    // A follower of two masters shows under both.
    expect(groups[1]!.followers.map((f) => f.account.id)).toEqual(['f-1']);
    expect(unlinked).toEqual([]);
  });

  it("shows a CLIENT's follower with the link to a master they cannot see, not as unlinked", () => {
    const { groups, elsewhere, unlinked } = groupByMaster([f3], [link('l9', 'm-hidden', 'f-3')]);
    expect(groups).toEqual([]);
    expect(elsewhere.map((e) => [e.account.id, e.link.id])).toEqual([['f-3', 'l9']]);
    expect(unlinked).toEqual([]);
  });

  it('lists followers that copy no master on their own, and masters without followers with none', () => {
    const { groups, unlinked } = groupByMaster([masterA, masterB, f1, f3], [link('l1', 'm-a', 'f-1')]);
    expect(groups.find((g) => g.master.id === 'm-b')!.followers).toEqual([]);
    expect(unlinked.map((a) => a.id)).toEqual(['f-3']);
  });

  it('leaves out a link whose follower the viewer cannot see, rather than a half row', () => {
    const { groups } = groupByMaster([masterA, f1], [link('l1', 'm-a', 'f-1'), link('l2', 'm-a', 'someone-elses')]);
    expect(groups[0]!.followers.map((f) => f.account.id)).toEqual(['f-1']);
  });

  it('shows a follower that copies nobody as unlinked', () => {
    expect(groupByMaster([f3], [])).toEqual({ groups: [], elsewhere: [], unlinked: [f3] });
  });
});

describe('live account status', () => {
  it('gives the named account its new status and the broker reason, and no other', () => {
    const accounts = [account('a', 'A', 'MASTER'), account('b', 'B', 'FOLLOWER')];
    const next = applyAccountStatus(accounts, {
      accountId: 'b',
      status: 'SESSION_EXPIRED',
      statusReason: 'AG8001 Invalid Token',
      at: '2026-11-25T03:30:00Z',
    });
    expect(next[1]).toMatchObject({ connectionStatus: 'SESSION_EXPIRED', statusReason: 'AG8001 Invalid Token' });
    expect(next[0]).toBe(accounts[0]);
    expect(accounts[1]!.connectionStatus).toBe('CONNECTED');
  });

  it('clears an old reason when the account reconnects', () => {
    const failed = [{ ...account('a', 'A', 'FOLLOWER'), connectionStatus: 'ERROR', statusReason: 'AG7002 static IP not registered' }];
    expect(applyAccountStatus(failed, { accountId: 'a', status: 'CONNECTED', at: '2026-11-25T03:31:00Z' })[0]).toMatchObject({
      connectionStatus: 'CONNECTED',
      statusReason: null,
    });
  });

  it('ignores an event for an account not on the page', () => {
    const accounts = [account('a', 'A', 'MASTER')];
    expect(applyAccountStatus(accounts, { accountId: 'z', status: 'ERROR', at: '2026-11-25T03:31:00Z' })).toEqual(accounts);
  });

  it("adds a master's followers' counts for its own line, skipping followers with none today", () => {
    const counts = sumCounts([
      { copied: 3, failed: 1, skipped: 0, inFlight: 1 },
      undefined,
      { copied: 2, failed: 0, skipped: 4, inFlight: 0 },
    ]);
    expect(counts).toEqual({ copied: 5, failed: 1, skipped: 4, inFlight: 1 });
  });
});
