// smartapi-javascript 1.0.27, loaded so that its hazards (docs/smartapi.md §12) cannot reach us:
// - its constructor looks up the public IP with no catch (offline: an unhandled rejection that
//   ends the process about 6 s later); the header it feeds was fixed before the lookup ends, so
//   the lookup is replaced by one that answers at once and never touches the network;
// - its winston logger writes request headers (JWT, API key) and login bodies (PIN, TOTP) to
//   ./error.log, creating that file when the module loads: the logger module is replaced
//   before the SDK loads, so no file is created and nothing it would log leaves the process;
// - it ships no typings: SmartApiSdk below is the part Tandem uses, typed.
// Only lib/smartapi-connect.js is loaded: the package index also loads its socket clients,
// whose module-global handlers and uncleared timers Tandem has no use for.
import Module, { createRequire } from 'node:module';

/** What the SDK's calls resolve to: whatever its interceptor made of the answer, never a rejection. */
export type SdkAnswer = unknown;

export interface SmartApiSdk {
  setAccessToken(jwtToken: string): void;
  placeOrder(params: Record<string, string>): Promise<SdkAnswer>;
  modifyOrder(params: Record<string, string>): Promise<SdkAnswer>;
  cancelOrder(params: Record<string, string>): Promise<SdkAnswer>;
  getOrderBook(): Promise<SdkAnswer>;
  getPosition(): Promise<SdkAnswer>;
  getHolding(): Promise<SdkAnswer>;
}

export interface SdkOptions {
  apiKey: string;
  root: string;
  timeoutMs: number;
}

type SdkConstructor = new (params: { api_key: string; root: string; timeout: number; debug: boolean }) => SmartApiSdk;

/** The address the SDK would have looked up; its headers carry the literal "null" either way. */
const NO_PUBLIC_IP = null;

const requireFromHere = createRequire(import.meta.url);
let loaded: SdkConstructor | null = null;

function load(): SdkConstructor {
  if (loaded) return loaded;
  const connectPath = requireFromHere.resolve('smartapi-javascript/lib/smartapi-connect.js');
  const requireFromSdk = createRequire(connectPath);

  const publicIp = requireFromSdk('public-ip') as { v4: () => Promise<string | null>; v6: () => Promise<string | null> };
  publicIp.v4 = () => Promise.resolve(NO_PUBLIC_IP);
  publicIp.v6 = () => Promise.resolve(NO_PUBLIC_IP);

  // Every error the SDK would log is also a value it returns, which Tandem reads, words and
  // logs itself without headers or bodies; its own entries would carry secrets, so they go nowhere.
  const loggerPath = requireFromSdk.resolve('./winston_log.js');
  const silent = new Module(loggerPath);
  silent.filename = loggerPath;
  silent.loaded = true;
  silent.exports = { errorLogger: { error: () => undefined } };
  const cache = requireFromSdk.cache as Record<string, NodeJS.Module>;
  cache[loggerPath] = silent;

  loaded = requireFromSdk(connectPath) as SdkConstructor;
  return loaded;
}

/** One SDK instance for one API key. Its calls never reject: read every answer with readAnswer. */
export function createSdk(options: SdkOptions): SmartApiSdk {
  const SmartAPI = load();
  return new SmartAPI({ api_key: options.apiKey, root: options.root, timeout: options.timeoutMs, debug: false });
}
