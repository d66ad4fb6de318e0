import { describe, expect, it } from 'vitest';
import { accountRights, type RightsAccount } from '../../client/src/features/auth/account-rights.ts';

const CLIENT = { role: 'CLIENT' as const, id: 'client-1' };
const account = (change: Partial<RightsAccount> = {}): RightsAccount => ({
  role: 'FOLLOWER',
  broker: 'SMARTAPI',
  owner: { id: 'client-1' },
  ...change,
});

describe('what the dashboard lets a user do to an account', () => {
  it('a CLIENT pauses copying into, enters credentials for and connects their own SmartAPI follower, and nothing else', () => {
    expect(accountRights(CLIENT, account())).toEqual({
      toggleCopy: true,
      enterCredentials: true,
      connect: true,
      edit: false,
      delete: false,
      killSwitch: false,
    });
  });

  it('a CLIENT enters no credentials for a paper account (none needed) and has no copy switch on a master', () => {
    expect(accountRights(CLIENT, account({ broker: 'PAPER' }))).toMatchObject({ toggleCopy: true, enterCredentials: false, connect: true });
    expect(accountRights(CLIENT, account({ role: 'MASTER' }))).toMatchObject({
      toggleCopy: false,
      enterCredentials: true,
      killSwitch: false,
    });
  });

  it('a CLIENT may do nothing to an account someone else owns, or one whose owner is unknown', () => {
    const none = { toggleCopy: false, enterCredentials: false, connect: false, edit: false, delete: false, killSwitch: false };
    expect(accountRights(CLIENT, account({ owner: { id: 'trader-1' } }))).toEqual(none);
    expect(accountRights(CLIENT, account({ owner: null }))).toEqual(none);
  });

  it('ADMIN and TRADER manage every account they see, credentials through the full edit form', () => {
    for (const role of ['ADMIN', 'TRADER'] as const) {
      expect(accountRights({ role, id: 'u' }, account({ owner: { id: 'client-1' } }))).toEqual({
        toggleCopy: true,
        enterCredentials: false,
        connect: true,
        edit: true,
        delete: true,
        killSwitch: true,
      });
      expect(accountRights({ role, id: 'u' }, account({ role: 'MASTER' })).toggleCopy).toBe(false);
    }
  });

  it('signed out is no rights', () => {
    expect(Object.values(accountRights(null, account())).some(Boolean)).toBe(false);
  });
});
