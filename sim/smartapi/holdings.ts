import type { Market } from './market.ts';
import { rupeesNumber } from './money.ts';
import type { OrderBook } from './order-book.ts';

// getHolding's book: DELIVERY units carried into the IST day. The simulator keeps no depository,
// so a holding is either seeded by the admin (units bought before the simulator started) or made
// of DELIVERY fills of earlier IST days on the simulator's clock; getPosition leaves those out.

export interface SeededHolding {
  clientcode: string;
  exchange: string;
  symboltoken: string;
  tradingsymbol: string;
  quantity: number;
  /** What the units cost on average, in paise. */
  averagePaise: number;
}

export class HoldingBook {
  private readonly seeded: SeededHolding[] = [];

  seed(holding: SeededHolding): void {
    if (!Number.isSafeInteger(holding.quantity) || holding.quantity <= 0) {
      throw new Error(`holding quantity must be a whole number above 0, got ${holding.quantity}`);
    }
    if (!Number.isSafeInteger(holding.averagePaise) || holding.averagePaise <= 0) {
      throw new Error(`holding price must be a positive integer of paise, got ${holding.averagePaise}`);
    }
    this.seeded.push({ ...holding });
  }

  seededOf(clientcode: string): SeededHolding[] {
    return this.seeded.filter((h) => h.clientcode === clientcode).map((h) => ({ ...h }));
  }
}

interface HoldingFigures {
  exchange: string;
  symboltoken: string;
  tradingsymbol: string;
  quantity: number;
  /** What the units held cost, in paise: a sale takes its share at the average. */
  costPaise: number;
}

/** The seeded holdings, then the DELIVERY fills before `dayStart` in the order they filled. */
function holdingsOf(book: OrderBook, holdings: HoldingBook, clientcode: string, dayStart: Date): HoldingFigures[] {
  const byKey = new Map<string, HoldingFigures>();
  const entry = (exchange: string, symboltoken: string, tradingsymbol: string): HoldingFigures => {
    const key = `${exchange}|${symboltoken}`;
    const found = byKey.get(key) ?? { exchange, symboltoken, tradingsymbol, quantity: 0, costPaise: 0 };
    byKey.set(key, found);
    return found;
  };
  for (const h of holdings.seededOf(clientcode)) {
    const e = entry(h.exchange, h.symboltoken, h.tradingsymbol);
    e.quantity += h.quantity;
    e.costPaise += h.quantity * h.averagePaise;
  }
  for (const t of book.tradesOf(clientcode)) {
    if (t.producttype !== 'DELIVERY' || t.at >= dayStart) continue;
    const e = entry(t.exchange, t.symboltoken, t.tradingsymbol);
    if (t.transactiontype === 'BUY') {
      e.quantity += t.quantity;
      e.costPaise += t.quantity * t.pricePaise;
    } else {
      const sold = Math.min(t.quantity, e.quantity);
      e.costPaise -= e.quantity === 0 ? 0 : Math.round((e.costPaise * sold) / e.quantity);
      e.quantity -= sold;
    }
  }
  return [...byKey.values()].filter((h) => h.quantity > 0);
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * getHolding rows as Angel's sample shows them: quantities and amounts as JSON numbers (rupees),
 * every unit settled (`t1quantity` 0) and none authorised for sale yet.
 */
export function holdingRows(
  book: OrderBook,
  holdings: HoldingBook,
  market: Market,
  clientcode: string,
  dayStart: Date,
): Array<Record<string, string | number | null>> {
  return holdingsOf(book, holdings, clientcode, dayStart).map((h) => {
    const averagePaise = Math.round(h.costPaise / h.quantity);
    const ltp = market.ltpPaise(h.symboltoken);
    const pnlPaise = (ltp - averagePaise) * h.quantity;
    return {
      tradingsymbol: h.tradingsymbol,
      exchange: h.exchange,
      isin: '',
      t1quantity: 0,
      realisedquantity: h.quantity,
      quantity: h.quantity,
      authorisedquantity: 0,
      product: 'DELIVERY',
      collateralquantity: null,
      collateraltype: null,
      haircut: 0,
      averageprice: rupeesNumber(averagePaise),
      ltp: rupeesNumber(ltp),
      symboltoken: h.symboltoken,
      close: rupeesNumber(ltp),
      profitandloss: rupeesNumber(pnlPaise),
      pnlpercentage: round2((pnlPaise / (averagePaise * h.quantity)) * 100),
    };
  });
}
