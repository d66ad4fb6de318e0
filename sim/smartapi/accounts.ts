import type { SimAccountInput } from './types.ts';

export interface SimAccount {
  clientcode: string;
  pin: string;
  totpSecret: string;
  apiKey: string | null;
  name: string;
  email: string;
  mobileno: string;
  fundsPaise: number;
  staticIp: string | null;
  lastLoginAt: Date | null;
}

const DEFAULT_FUNDS_PAISE = 10_00_000_00;
const BASE32 = /^[A-Z2-7]+=*$/;

/** The client accounts the simulator knows, keyed by client code. */
export class AccountRegistry {
  private readonly byCode = new Map<string, SimAccount>();

  add(input: SimAccountInput): SimAccount {
    const secret = input.totpSecret.replace(/\s+/g, '').toUpperCase();
    // otplib refuses secrets under 16 bytes; fail at set-up rather than on every login.
    if (!BASE32.test(secret) || Math.floor((secret.replace(/=+$/, '').length * 5) / 8) < 16) {
      throw new Error(`account ${input.clientcode}: totpSecret must be base32 of at least 16 bytes (26+ characters)`);
    }
    if (this.byCode.has(input.clientcode)) throw new Error(`account ${input.clientcode} already exists`);
    const account: SimAccount = {
      clientcode: input.clientcode,
      pin: input.pin,
      totpSecret: secret,
      apiKey: input.apiKey ?? null,
      name: input.name ?? `SIM CLIENT ${input.clientcode}`,
      email: input.email ?? `${input.clientcode.toLowerCase()}@sim.invalid`,
      mobileno: input.mobileno ?? '',
      fundsPaise: input.fundsPaise ?? DEFAULT_FUNDS_PAISE,
      staticIp: input.staticIp ?? null,
      lastLoginAt: null,
    };
    this.byCode.set(account.clientcode, account);
    return account;
  }

  get(clientcode: string): SimAccount | undefined {
    return this.byCode.get(clientcode);
  }

  list(): SimAccount[] {
    return [...this.byCode.values()];
  }
}
