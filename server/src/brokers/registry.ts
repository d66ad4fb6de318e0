import type { Account } from '../persistence/entities/account.entity.ts';
import { BrokerCallError, type Broker } from './port.ts';
import type { PaperExchange } from './paper/paper-exchange.ts';

/** Hands out the Broker for an account, one per account, created on first use. */
export class BrokerRegistry {
  private readonly brokers = new Map<string, Broker>();

  constructor(private readonly paper: PaperExchange) {}

  brokerFor(account: Pick<Account, 'id' | 'broker' | 'clientCode'>): Broker {
    const existing = this.brokers.get(account.id);
    if (existing) return existing;
    if (account.broker !== 'PAPER') {
      throw new BrokerCallError('session', `${account.broker} accounts cannot trade on this server yet; only PAPER is wired in`);
    }
    const broker = this.paper.broker(account.clientCode);
    this.brokers.set(account.id, broker);
    return broker;
  }

  /**
   * Puts a wrapper around one account's broker: fault injection in tests, instrumentation.
   * The wrapper sees every call Tandem makes to that account.
   */
  wrap(account: Pick<Account, 'id' | 'broker' | 'clientCode'>, wrapper: (inner: Broker) => Broker): void {
    this.brokers.set(account.id, wrapper(this.brokerFor(account)));
  }

  forget(accountId: string): void {
    this.brokers.delete(accountId);
  }

  get paperExchange(): PaperExchange {
    return this.paper;
  }
}
