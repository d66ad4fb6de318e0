// SmartAPI's error codes (docs/smartapi.md §8) in words a person can act on. The broker's own
// code and message always follow in brackets, so nothing it said is lost.

/** The session is gone: log in again (and, for an order, look it up by tag before resending). */
export const SESSION_CODES: ReadonlySet<string> = new Set(['AG8001', 'AG8002', 'AG8003', 'AB1010', 'AB1011', 'AB8050', 'AB8051']);

/** A login refused for what the credentials say: trying again with the same ones cannot help. */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'AB1000',
  'AB1001',
  'AB1002',
  'AB1005',
  'AB1007',
  'AB1032',
  'AB1050',
  'AG8004',
  'AB1006',
]);

const ADVICE: Readonly<Record<string, string>> = {
  AG8001: 'the SmartAPI session is no longer valid; Tandem logs in again',
  AG8002: 'the SmartAPI session expired; Tandem logs in again',
  AG8003: 'the call went out without a session token; Tandem logs in again',
  AG8004: 'Angel One does not accept this API key for this client code: check the API key of the SmartAPI app',
  AG7002:
    "Angel One refused this server's IP address: register this server's static IP on the SmartAPI app (smartapi.angelone.in, My Apps) or run Tandem from the registered IP",
  AB8050: 'the refresh token was refused; Tandem logs in again',
  AB8051: 'the refresh token expired; Tandem logs in again',
  AB1000: 'Angel One refused the client code or PIN: check both',
  AB1001: 'Angel One refused the client code: check it',
  AB1002: 'Angel One refused the PIN: it is the 4-digit Angel One MPIN, not a web password',
  AB1004: 'Angel One had a problem of its own; try again in a moment',
  AB1005: 'Angel One wants a USER login; check the account type',
  AB1006: 'Angel One has blocked this client for trading: contact Angel One',
  AB1007: 'Angel One refused the client code or PIN, or could not find the order: check the client code and the MPIN',
  AB1008: 'Angel One does not accept this order variety',
  AB1009: 'Angel One does not know this symbol: check the symbol and its token in the scrip master',
  AB1010: 'the Angel One trading session expired; Tandem logs in again',
  AB1011: 'Angel One says the client is not logged in; Tandem logs in again',
  AB1012: 'Angel One does not accept this product type for this instrument',
  AB1013: 'Angel One could not find the order (it may have finished already)',
  AB1018: 'Angel One could not read the symbol details: check the symbol and token',
  AB1032: 'Angel One does not know this client code: check it',
  AB1050:
    "Angel One refused the TOTP: check the TOTP secret (the QR value shown when TOTP was enabled) and that this server's clock is right",
  AB2000: 'Angel One refused the request',
  AB2001: 'Angel One had an internal error; try again in a moment',
  AB2002: 'Angel One has blocked ROBO (bracket) orders',
  AB4008: 'the order tag is longer than the 20 characters Angel One allows',
  AB4013: 'Angel One wants the TPIN for this delivery sale: authorise the holdings (eDIS) in the Angel One app first',
};

/** A reason a person can act on: advice for the code when Tandem has some, then the broker's words. */
export function describeBrokerError(code: string, message: string): string {
  const words = message.trim() || 'no message';
  const advice = code ? ADVICE[code] : undefined;
  if (!code) return `SmartAPI: ${words}`;
  return advice ? `${advice} (${code} ${words})` : `SmartAPI refused the request (${code} ${words})`;
}
