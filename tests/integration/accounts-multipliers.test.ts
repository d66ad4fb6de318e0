import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account, AuditEntry, Multiplier, User } from '../../server/src/persistence/entities/index.ts';
import { expectCode, ok } from '../support/gql.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

const PASSWORD = 'a-long-password-1';
const ACCOUNT_FIELDS =
  'id label broker role clientCode status statusReason copyEnabled killSwitch maxOrdersPerDay maxLossPerDay hasCredentials owner { email }';
const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const UPDATE_ACCOUNT = `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT_FIELDS} } }`;
const DELETE_ACCOUNT = 'mutation($id: ID!) { deleteAccount(id: $id) }';
const MULTIPLIER_FIELDS = `id mode factor fixedLots maxQuantity maxOrderValue symbolsAllow symbolsDeny exchanges productType copyAmo
  copyModifications copyCancellations zeroQuantityPolicy paused master { id } follower { id }`;
const CREATE_MULTIPLIER = `mutation($input: CreateMultiplierInput!) { createMultiplier(input: $input) { ${MULTIPLIER_FIELDS} } }`;
const UPDATE_MULTIPLIER = `mutation($id: ID!, $input: UpdateMultiplierInput!) { updateMultiplier(id: $id, input: $input) { ${MULTIPLIER_FIELDS} } }`;
const DELETE_MULTIPLIER = 'mutation($id: ID!) { deleteMultiplier(id: $id) }';
const LIST_MULTIPLIERS =
  'query($m: ID, $f: ID) { multipliers(masterId: $m, followerId: $f) { id factor master { clientCode } follower { clientCode } } }';

type AccountView = {
  id: string;
  label: string;
  broker: string;
  role: string;
  clientCode: string;
  copyEnabled: boolean;
  killSwitch: boolean;
  maxOrdersPerDay: number | null;
  maxLossPerDay: number | null;
  owner: { email: string };
};
type MultiplierView = {
  id: string;
  mode: string;
  factor: number | null;
  fixedLots: number | null;
  paused: boolean;
  master: { id: string };
  follower: { id: string };
} & Record<string, unknown>;

let server: TestServer;
let adminToken: string;
let traderToken: string;

async function createAccount(input: Record<string, unknown>, token = adminToken): Promise<AccountView> {
  return ok(await server.gql<{ createAccount: AccountView }>(CREATE_ACCOUNT, { input: { broker: 'PAPER', ...input } }, token))
    .createAccount;
}

async function createMultiplier(input: Record<string, unknown>, token = adminToken): Promise<MultiplierView> {
  return ok(await server.gql<{ createMultiplier: MultiplierView }>(CREATE_MULTIPLIER, { input }, token)).createMultiplier;
}

/** The audit trail of one object, oldest first: action, who, before and after. */
async function auditOf(entityId: string): Promise<AuditEntry[]> {
  const entries = await server.tandem.services.orm.em.fork().find(AuditEntry, { entityId });
  const order = ['create', 'update', 'delete'];
  return entries.sort((a, b) => order.indexOf(a.action.split('.')[1]!) - order.indexOf(b.action.split('.')[1]!));
}

const count = (entity: typeof Account | typeof Multiplier) => server.tandem.services.orm.em.fork().count(entity, {});

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await server.login();
  ok(
    await server.gql(
      'mutation { createUser(email: "trader@test.local", password: "a-long-password-1", role: TRADER) { id } }',
      {},
      adminToken,
    ),
  );
  traderToken = await server.login('trader@test.local', PASSWORD);
});
afterAll(async () => server?.close());

describe('accounts', () => {
  it('are created with the caller as owner, the client code in capitals and copying on; a paper account starts connected', async () => {
    const master = await createAccount({ label: '  Acme master ', role: 'MASTER', clientCode: 'acme-m1' });
    expect(master).toMatchObject({
      label: 'Acme master',
      broker: 'PAPER',
      role: 'MASTER',
      clientCode: 'ACME-M1',
      copyEnabled: true,
      killSwitch: false,
      status: 'CONNECTED',
      statusReason: 'paper exchange',
      maxOrdersPerDay: null,
      maxLossPerDay: null,
      hasCredentials: false,
      owner: { email: 'admin@test.local' },
    });
    const follower = await createAccount({
      label: 'Acme follower',
      role: 'FOLLOWER',
      clientCode: 'ACME-F1',
      maxOrdersPerDay: 20,
      maxLossPerDay: 5000.5,
    });
    expect(follower).toMatchObject({
      role: 'FOLLOWER',
      maxOrdersPerDay: 20,
      maxLossPerDay: 5000.5,
      status: 'CONNECTED',
      statusReason: 'paper exchange',
    });
    // The same words connectAccount reports for a paper account.
    const connected = ok(
      await server.gql<{ connectAccount: { status: string; statusReason: string | null } }>(
        'mutation($id: ID!) { connectAccount(id: $id) { status statusReason } }',
        { id: follower.id },
        adminToken,
      ),
    );
    expect(connected.connectAccount).toEqual({ status: 'CONNECTED', statusReason: 'paper exchange' });
    const read = ok(
      await server.gql<{ account: AccountView }>(
        `query($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`,
        { id: follower.id },
        adminToken,
      ),
    );
    expect(read.account).toEqual(follower);
    const [created] = await auditOf(master.id);
    expect(created).toMatchObject({
      action: 'account.create',
      before: null,
      after: expect.objectContaining({ clientCode: 'ACME-M1', role: 'MASTER' }),
    });
  });

  it("a TRADER's account is theirs and listed for them, filtered by role", async () => {
    const mine = await createAccount({ label: 'Trader desk', role: 'MASTER', clientCode: 'DESK-1' }, traderToken);
    expect(mine.owner.email).toBe('trader@test.local');
    const { accounts } = ok(await server.gql<{ accounts: { id: string }[] }>('{ accounts(role: MASTER) { id } }', {}, traderToken));
    expect(accounts).toEqual([{ id: mine.id }]);
    const { accounts: none } = ok(await server.gql<{ accounts: unknown[] }>('{ accounts(role: FOLLOWER) { id } }', {}, traderToken));
    expect(none).toEqual([]);
  });

  it('refuses a client code the broker already has, whatever its case (CONFLICT), but allows it on another broker', async () => {
    await createAccount({ label: 'First', role: 'FOLLOWER', clientCode: 'DUP-1' });
    const before = await count(Account);
    expectCode(
      await server.gql(CREATE_ACCOUNT, { input: { label: 'Again', broker: 'PAPER', role: 'MASTER', clientCode: 'dup-1' } }, adminToken),
      'CONFLICT',
      'input.clientCode',
    );
    expect(await count(Account)).toBe(before);
    const smart = await createAccount({
      label: 'Same code at Angel One',
      broker: 'SMARTAPI',
      role: 'FOLLOWER',
      clientCode: 'DUP-1',
      credentials: { apiKey: 'key-1', pin: '4321', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    });
    // A SmartAPI account is not connected until its first login says so.
    expect(smart).toMatchObject({
      broker: 'SMARTAPI',
      clientCode: 'DUP-1',
      hasCredentials: true,
      status: 'DISCONNECTED',
      statusReason: null,
    });
  });

  it.each([
    ['an empty label', { label: '   ' }, 'input.label'],
    ['a client code with spaces', { clientCode: 'A B' }, 'input.clientCode'],
    ['a SMARTAPI account without credentials', { broker: 'SMARTAPI' }, 'input.credentials'],
    [
      'a PIN that is not 4 to 6 digits',
      { credentials: { apiKey: 'k', pin: '12', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } },
      'input.credentials.pin',
    ],
    [
      'a TOTP secret that is not base32',
      { credentials: { apiKey: 'k', pin: '1234', totpSecret: 'not-a-secret' } },
      'input.credentials.totpSecret',
    ],
    [
      'a TOTP secret too short to make codes (15 bytes)',
      { credentials: { apiKey: 'k', pin: '1234', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP' } },
      'input.credentials.totpSecret',
    ],
    ['a daily order limit of 0', { maxOrdersPerDay: 0 }, 'input.maxOrdersPerDay'],
    ['a negative daily loss limit', { maxLossPerDay: -100 }, 'input.maxLossPerDay'],
    ['a role that does not exist', { role: 'BOTH' }, 'input.role'],
    ['a malformed owner ID', { ownerId: 'me' }, 'input.ownerId'],
  ])('refuses %s with BAD_USER_INPUT and creates nothing', async (_name, change, field) => {
    const before = await count(Account);
    const response = await server.gql(
      CREATE_ACCOUNT,
      { input: { label: 'Bad', broker: 'PAPER', role: 'FOLLOWER', clientCode: 'BAD-1', ...change } },
      adminToken,
    );
    expectCode(response, 'BAD_USER_INPUT', field);
    expect(await count(Account)).toBe(before);
  });

  it('reports every problem of one input together', async () => {
    const response = await server.gql(
      CREATE_ACCOUNT,
      { input: { label: '', broker: 'PAPER', role: 'FOLLOWER', clientCode: 'bad code', maxOrdersPerDay: -1 } },
      adminToken,
    );
    expectCode(response, 'BAD_USER_INPUT', 'input.label');
    expect((response.errors![0]!.extensions!.problems as { field: string }[]).map((p) => p.field)).toEqual([
      'input.label',
      'input.clientCode',
      'input.maxOrdersPerDay',
    ]);
  });

  it('are updated, with the change audited from what to what; a bad update changes nothing', async () => {
    const account = await createAccount({ label: 'Before', role: 'FOLLOWER', clientCode: 'UPD-1' });
    const { updateAccount } = ok(
      await server.gql<{ updateAccount: AccountView }>(
        UPDATE_ACCOUNT,
        {
          id: account.id,
          input: { label: 'After', copyEnabled: false, maxOrdersPerDay: 5, maxLossPerDay: 250.25 },
        },
        adminToken,
      ),
    );
    expect(updateAccount).toMatchObject({ label: 'After', copyEnabled: false, maxOrdersPerDay: 5, maxLossPerDay: 250.25 });
    expect(await server.account('UPD-1')).toMatchObject({ label: 'After', copyEnabled: false, maxOrdersPerDay: 5, maxLossPerDay: 25025 });
    const admin = await server.tandem.services.orm.em.fork().findOneOrFail(User, { email: 'admin@test.local' });
    const [, updated] = await auditOf(account.id);
    expect(updated).toMatchObject({
      action: 'account.update',
      userId: admin.id,
      before: expect.objectContaining({ label: 'Before', copyEnabled: true, maxOrdersPerDay: null }),
      after: expect.objectContaining({ label: 'After', copyEnabled: false, maxOrdersPerDay: 5 }),
    });

    expectCode(
      await server.gql(UPDATE_ACCOUNT, { id: account.id, input: { label: '', maxOrdersPerDay: 0 } }, adminToken),
      'BAD_USER_INPUT',
      'input.maxOrdersPerDay',
    );
    expect(await server.account('UPD-1')).toMatchObject({ label: 'After', maxOrdersPerDay: 5 });
    expect(await auditOf(account.id)).toHaveLength(2);
  });

  it('are deleted with their links, audited; another trader cannot see them to delete them', async () => {
    const master = await createAccount({ label: 'Gone master', role: 'MASTER', clientCode: 'DEL-M' });
    const follower = await createAccount({ label: 'Gone follower', role: 'FOLLOWER', clientCode: 'DEL-F' });
    await createMultiplier({ masterId: master.id, followerId: follower.id, factor: 1 });

    expectCode(await server.gql(DELETE_ACCOUNT, { id: follower.id }, traderToken), 'NOT_FOUND', 'id');
    const { deleteAccount } = ok(await server.gql<{ deleteAccount: string }>(DELETE_ACCOUNT, { id: follower.id }, adminToken));
    expect(deleteAccount).toBe(follower.id);
    expectCode(await server.gql('query($id: ID!) { account(id: $id) { id } }', { id: follower.id }, adminToken), 'NOT_FOUND', 'id');
    expect(ok(await server.gql<{ multipliers: unknown[] }>(LIST_MULTIPLIERS, { m: master.id }, adminToken)).multipliers).toEqual([]);
    expect((await auditOf(follower.id)).map((e) => e.action)).toEqual(['account.create', 'account.delete']);
    expectCode(await server.gql(DELETE_ACCOUNT, { id: follower.id }, adminToken), 'NOT_FOUND', 'id');
  });
});

describe('multipliers', () => {
  let master: AccountView;
  let otherMaster: AccountView;
  const followers: AccountView[] = [];

  beforeAll(async () => {
    master = await createAccount({ label: 'Link master', role: 'MASTER', clientCode: 'LNK-M' });
    otherMaster = await createAccount({ label: 'Other master', role: 'MASTER', clientCode: 'LNK-M2' });
    for (const n of [1, 2, 3, 4])
      followers.push(await createAccount({ label: `Link follower ${n}`, role: 'FOLLOWER', clientCode: `LNK-F${n}` }));
  });

  it('MULTIPLY is the default mode and keeps a decimal factor exactly', async () => {
    const link = await createMultiplier({ masterId: master.id, followerId: followers[0]!.id, factor: 0.57 });
    expect(link).toMatchObject({
      mode: 'MULTIPLY',
      factor: 0.57,
      fixedLots: null,
      paused: false,
      zeroQuantityPolicy: 'SKIP',
      copyAmo: true,
      copyModifications: true,
      copyCancellations: true,
      symbolsAllow: [],
      symbolsDeny: [],
      exchanges: [],
      productType: null,
      master: { id: master.id },
      follower: { id: followers[0]!.id },
    });
    const stored = await server.tandem.services.orm.em.fork().findOneOrFail(Multiplier, { id: link.id });
    expect(Number(stored.factor)).toBe(0.57);
    const [created] = await auditOf(link.id);
    expect(created).toMatchObject({
      action: 'multiplier.create',
      before: null,
      after: expect.objectContaining({ masterId: master.id, followerId: followers[0]!.id }),
    });
  });

  it('a negative factor is a reverse copy and is accepted', async () => {
    const link = await createMultiplier({ masterId: master.id, followerId: followers[1]!.id, factor: -0.5 });
    expect(link).toMatchObject({ mode: 'MULTIPLY', factor: -0.5 });
  });

  it('FIXED_LOTS takes a lot count, with the other settings', async () => {
    const link = await createMultiplier({
      masterId: master.id,
      followerId: followers[2]!.id,
      mode: 'FIXED_LOTS',
      fixedLots: 2,
      maxQuantity: 500,
      maxOrderValue: 250000.5,
      symbolsDeny: ['sbin-eq'],
      exchanges: ['nse'],
      productType: 'INTRADAY',
      copyAmo: false,
      zeroQuantityPolicy: 'MIN_ONE_LOT',
      paused: true,
    });
    expect(link).toMatchObject({
      mode: 'FIXED_LOTS',
      fixedLots: 2,
      factor: null,
      maxQuantity: 500,
      maxOrderValue: 250000.5,
      symbolsDeny: ['SBIN-EQ'],
      exchanges: ['NSE'],
      productType: 'INTRADAY',
      copyAmo: false,
      zeroQuantityPolicy: 'MIN_ONE_LOT',
      paused: true,
    });
  });

  it.each([
    ['MULTIPLY without a factor', {}, 'BAD_USER_INPUT', 'input.factor'],
    ['FIXED_LOTS without fixedLots', { mode: 'FIXED_LOTS' }, 'BAD_USER_INPUT', 'input.fixedLots'],
    ['FIXED_LOTS with 0 lots', { mode: 'FIXED_LOTS', fixedLots: 0 }, 'BAD_USER_INPUT', 'input.fixedLots'],
    ['a factor of 0', { factor: 0 }, 'BAD_USER_INPUT', 'input.factor'],
    ['a negative maxQuantity', { factor: 1, maxQuantity: -1 }, 'BAD_USER_INPUT', 'input.maxQuantity'],
    ['a symbol list entry with spaces', { factor: 1, symbolsAllow: ['SBIN EQ'] }, 'BAD_USER_INPUT', 'input.symbolsAllow'],
    ['a mode that does not exist', { mode: 'DOUBLE', factor: 1 }, 'BAD_USER_INPUT', 'input.mode'],
  ])('refuses %s and links nothing', async (_name, change, code, field) => {
    const before = await count(Multiplier);
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: master.id, followerId: followers[3]!.id, ...change } }, adminToken),
      code,
      field,
    );
    expect(await count(Multiplier)).toBe(before);
  });

  it('the master must be a MASTER and the follower a FOLLOWER', async () => {
    const before = await count(Multiplier);
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: followers[3]!.id, followerId: followers[0]!.id, factor: 1 } }, adminToken),
      'BAD_USER_INPUT',
      'input.masterId',
    );
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: master.id, followerId: otherMaster.id, factor: 1 } }, adminToken),
      'BAD_USER_INPUT',
      'input.followerId',
    );
    expect(await count(Multiplier)).toBe(before);
  });

  it('the same pair twice is CONFLICT; the same follower under another master is fine', async () => {
    const before = await count(Multiplier);
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: master.id, followerId: followers[0]!.id, factor: 2 } }, adminToken),
      'CONFLICT',
      'input.followerId',
    );
    expect(await count(Multiplier)).toBe(before);
    await createMultiplier({ masterId: otherMaster.id, followerId: followers[0]!.id, factor: 3 });
  });

  it('multipliers(masterId, followerId) lists the links of that master, that follower, or that pair', async () => {
    const codes = (list: { master: { clientCode: string }; follower: { clientCode: string } }[]) =>
      list.map((m) => `${m.master.clientCode}>${m.follower.clientCode}`).sort();
    const ofMaster = ok(
      await server.gql<{ multipliers: { master: { clientCode: string }; follower: { clientCode: string } }[] }>(
        LIST_MULTIPLIERS,
        { m: master.id },
        adminToken,
      ),
    );
    expect(codes(ofMaster.multipliers)).toEqual(['LNK-M>LNK-F1', 'LNK-M>LNK-F2', 'LNK-M>LNK-F3']);
    const ofFollower = ok(
      await server.gql<{ multipliers: { master: { clientCode: string }; follower: { clientCode: string } }[] }>(
        LIST_MULTIPLIERS,
        { f: followers[0]!.id },
        adminToken,
      ),
    );
    expect(codes(ofFollower.multipliers)).toEqual(['LNK-M2>LNK-F1', 'LNK-M>LNK-F1']);
    const pair = ok(
      await server.gql<{ multipliers: { factor: number }[] }>(LIST_MULTIPLIERS, { m: otherMaster.id, f: followers[0]!.id }, adminToken),
    );
    expect(pair.multipliers.map((m) => m.factor)).toEqual([3]);
    expect(ok(await server.gql<{ multipliers: unknown[] }>(LIST_MULTIPLIERS, { m: master.id }, traderToken)).multipliers).toEqual([]);
  });

  it('are updated with the change audited; a bad update changes nothing', async () => {
    const link = await createMultiplier({ masterId: otherMaster.id, followerId: followers[1]!.id, factor: 1.5 });
    const { updateMultiplier } = ok(
      await server.gql<{ updateMultiplier: MultiplierView }>(
        UPDATE_MULTIPLIER,
        {
          id: link.id,
          input: { factor: -2, paused: true, maxQuantity: 100, symbolsAllow: ['reliance-eq'] },
        },
        adminToken,
      ),
    );
    expect(updateMultiplier).toMatchObject({ factor: -2, paused: true, maxQuantity: 100, symbolsAllow: ['RELIANCE-EQ'], mode: 'MULTIPLY' });
    const [, updated] = await auditOf(link.id);
    expect(updated).toMatchObject({
      action: 'multiplier.update',
      before: expect.objectContaining({ paused: false, maxQuantity: null }),
      after: expect.objectContaining({ paused: true, maxQuantity: 100 }),
    });
    expect(Number(updated!.before!.factor)).toBe(1.5);
    expect(Number(updated!.after!.factor)).toBe(-2);

    expectCode(
      await server.gql(UPDATE_MULTIPLIER, { id: link.id, input: { mode: 'FIXED_LOTS', paused: false } }, adminToken),
      'BAD_USER_INPUT',
      'input.fixedLots',
    );
    const stored = await server.tandem.services.orm.em.fork().findOneOrFail(Multiplier, { id: link.id });
    expect(stored).toMatchObject({ mode: 'MULTIPLY', paused: true, fixedLots: null });
    expect(await auditOf(link.id)).toHaveLength(2);

    const switched = ok(
      await server.gql<{ updateMultiplier: MultiplierView }>(
        UPDATE_MULTIPLIER,
        { id: link.id, input: { mode: 'FIXED_LOTS', fixedLots: 3 } },
        adminToken,
      ),
    );
    expect(switched.updateMultiplier).toMatchObject({ mode: 'FIXED_LOTS', fixedLots: 3 });
  });

  it('are deleted, audited, and gone from the listing', async () => {
    const link = await createMultiplier({ masterId: otherMaster.id, followerId: followers[3]!.id, factor: 1 });
    expectCode(await server.gql(DELETE_MULTIPLIER, { id: link.id }, traderToken), 'NOT_FOUND', 'id');
    expect(ok(await server.gql<{ deleteMultiplier: string }>(DELETE_MULTIPLIER, { id: link.id }, adminToken)).deleteMultiplier).toBe(
      link.id,
    );
    const listed = ok(await server.gql<{ multipliers: { id: string }[] }>(LIST_MULTIPLIERS, { m: otherMaster.id }, adminToken));
    expect(listed.multipliers.map((m) => m.id)).not.toContain(link.id);
    expect((await auditOf(link.id)).map((e) => e.action)).toEqual(['multiplier.create', 'multiplier.delete']);
    expectCode(await server.gql(DELETE_MULTIPLIER, { id: link.id }, adminToken), 'NOT_FOUND', 'id');
    expectCode(await server.gql(UPDATE_MULTIPLIER, { id: link.id, input: { paused: true } }, adminToken), 'NOT_FOUND', 'id');
  });

  it("a TRADER links only their own masters, and cannot touch another user's links", async () => {
    const desk = await createAccount({ label: 'Desk master', role: 'MASTER', clientCode: 'DESK-M' }, traderToken);
    const deskFollower = await createAccount({ label: 'Desk follower', role: 'FOLLOWER', clientCode: 'DESK-F' }, traderToken);
    const link = await createMultiplier({ masterId: desk.id, followerId: deskFollower.id, factor: 1 }, traderToken);
    expect(ok(await server.gql<{ multipliers: { id: string }[] }>(LIST_MULTIPLIERS, {}, traderToken)).multipliers.map((m) => m.id)).toEqual(
      [link.id],
    );

    const before = await count(Multiplier);
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: master.id, followerId: deskFollower.id, factor: 1 } }, traderToken),
      'NOT_FOUND',
      'input.masterId',
    );
    expectCode(
      await server.gql(CREATE_MULTIPLIER, { input: { masterId: desk.id, followerId: followers[3]!.id, factor: 1 } }, traderToken),
      'NOT_FOUND',
      'input.followerId',
    );
    const adminLink = ok(await server.gql<{ multipliers: { id: string }[] }>(LIST_MULTIPLIERS, { m: master.id }, adminToken))
      .multipliers[0]!;
    expectCode(await server.gql(UPDATE_MULTIPLIER, { id: adminLink.id, input: { factor: 9 } }, traderToken), 'NOT_FOUND', 'id');
    expect(await count(Multiplier)).toBe(before);
  });
});
