import type { BrokerKind, ConnectionStatus } from '../core/types.ts';
import type { InstrumentCatalog } from '../instruments/catalog.ts';
import type { Account } from '../persistence/entities/account.entity.ts';
import { BrokerCallError, type Broker, type BrokerOrder, type OrderUpdateFeed, type PriceSource } from './port.ts';
import type { PaperExchange } from './paper/paper-exchange.ts';
import { withReferencePrices } from './prices.ts';
import type { SmartApiBroker } from './smartapi/smartapi-broker.ts';

type AccountRef = Pick<Account, 'id' | 'broker' | 'clientCode'>;

/** The status reason of a paper account: the paper exchange is always there to talk to. */
export const PAPER_STATUS_REASON = 'paper exchange';

export type SmartApiFactory = (account: Pick<Account, 'id' | 'clientCode'>) => SmartApiBroker;
export type BrokerUpdateListener = (account: Pick<Account, 'broker' | 'clientCode'>, update: BrokerOrder) => void;

/**
 * Hands out the Broker for an account, one per account, created on first use, and the prices
 * to value its orders at. SmartAPI accounts are followed (order socket, order-book poll, daily
 * login) by the instance that watches them (holds their lease, see watchWith). Every adapter's
 * order updates come in through its feed (port.ts) and go out through onOrderUpdate alone.
 */
export class BrokerRegistry {
  private readonly brokers = new Map<string, Broker>();
  private readonly smartApiBrokers = new Map<string, SmartApiBroker>();
  private readonly updateListeners = new Set<BrokerUpdateListener>();
  private readonly paperPrices: PriceSource;
  private readonly referencePrices: PriceSource;
  /** Which accounts this process follows; none until the replicating engine says (API-only instances follow none). */
  private watches: (accountId: string) => boolean = () => false;

  constructor(
    private readonly paper: PaperExchange,
    instruments: InstrumentCatalog,
    private readonly smartApi: SmartApiFactory | null = null,
  ) {
    this.listen('PAPER', paper);
    this.paperPrices = withReferencePrices(instruments, paper);
    this.referencePrices = withReferencePrices(instruments, null);
  }

  brokerFor(account: AccountRef): Broker {
    const existing = this.brokers.get(account.id);
    if (existing) return existing;
    if (account.broker === 'SMARTAPI') return this.smartApiFor(account);
    const broker = this.paper.broker(account.clientCode);
    this.brokers.set(account.id, broker);
    return broker;
  }

  /**
   * Puts a wrapper around one account's broker: fault injection in tests, instrumentation.
   * The wrapper sees every call Tandem makes to that account.
   */
  wrap(account: AccountRef, wrapper: (inner: Broker) => Broker): void {
    this.brokers.set(account.id, wrapper(this.brokerFor(account)));
  }

  /** Order updates of every account, paper and SmartAPI, in the order each feed reports them. */
  onOrderUpdate(listener: BrokerUpdateListener): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /** The prices an account on `broker` is valued at: its broker's live ones, else reference prices (prices.ts). */
  prices(broker: BrokerKind): PriceSource {
    return broker === 'PAPER' ? this.paperPrices : this.referencePrices;
  }

  /** From now on the SmartAPI accounts `watches` accepts are followed, as they are created, connected or handed over. */
  watchWith(watches: (accountId: string) => boolean): void {
    this.watches = watches;
  }

  follow(accounts: AccountRef[]): void {
    for (const account of accounts) this.activate(account);
  }

  /** Follows a SmartAPI account at once when this process watches it. */
  activate(account: AccountRef): void {
    if (account.broker === 'SMARTAPI' && this.watches(account.id)) this.smartApiFor(account).follow();
  }

  /** Tests the account's broker now: the status to record, with the broker's words. */
  async connect(account: AccountRef): Promise<{ status: ConnectionStatus; reason: string | null }> {
    if (account.broker === 'SMARTAPI') {
      const broker = this.smartApiFor(account);
      const report = await broker.connect();
      this.activate(account);
      return report;
    }
    try {
      await this.brokerFor(account).orderBook();
      return { status: 'CONNECTED', reason: PAPER_STATUS_REASON };
    } catch (error) {
      return { status: 'ERROR', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async forget(accountId: string): Promise<void> {
    this.brokers.delete(accountId);
    const smartApi = this.smartApiBrokers.get(accountId);
    this.smartApiBrokers.delete(accountId);
    await smartApi?.stop();
  }

  /** Stops following every SmartAPI account (shutdown). */
  async stopFollowing(): Promise<void> {
    this.watches = () => false;
    await Promise.all([...this.smartApiBrokers.values()].map((broker) => broker.stop()));
  }

  private smartApiFor(account: AccountRef): SmartApiBroker {
    const existing = this.smartApiBrokers.get(account.id);
    if (existing) return existing;
    if (!this.smartApi)
      throw new BrokerCallError('session', 'SmartAPI accounts cannot trade on this server: no SmartAPI connection is configured');
    const broker = this.smartApi(account);
    this.listen('SMARTAPI', broker);
    this.smartApiBrokers.set(account.id, broker);
    if (!this.brokers.has(account.id)) this.brokers.set(account.id, broker);
    return broker;
  }

  private listen(broker: BrokerKind, feed: OrderUpdateFeed): void {
    feed.onOrderUpdate((clientCode, update) => {
      for (const listener of this.updateListeners) listener({ broker, clientCode }, update);
    });
  }
}
