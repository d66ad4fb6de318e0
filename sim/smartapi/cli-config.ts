import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parsePaise } from './money.ts';
import type { InstrumentInput, SimAccountInput, SmartApiSimOptions } from './types.ts';

// `npm run smartapi-sim` configuration: flags first, then SMARTAPI_SIM_* variables. Read once,
// every problem reported together.

const rupees = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const paise = parsePaise(v);
  if (paise === null) ctx.addIssue({ code: 'custom', message: `not a rupee amount: ${v}` });
  return paise ?? 0;
});

const accountSchema = z.object({
  clientcode: z.string().min(1),
  pin: z.string().min(1),
  totpSecret: z.string().min(26, 'base32 secret of at least 16 bytes (26+ characters)'),
  apiKey: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  mobileno: z.string().optional(),
  funds: rupees.optional(),
  staticIp: z.string().optional(),
});

const instrumentSchema = z.object({
  price: rupees.optional(),
  lotSize: z.number().int().positive().optional(),
  tick: rupees.optional(),
  freezeQty: z.number().int().positive().optional(),
});

/** The accounts file: a bare array of accounts, or `{ accounts, instruments }`. */
const fileSchema = z.union([
  z.array(accountSchema),
  z.object({ accounts: z.array(accountSchema), instruments: z.record(z.string(), instrumentSchema).optional() }),
]);

const envSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  host: z.string().default('127.0.0.1'),
  accounts: z.string().optional(),
  market: z.enum(['always', 'nse']).default('always'),
  rateLimits: z.enum(['on', 'off']).default('on'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export type CliConfig = Omit<SmartApiSimOptions, 'accounts'> & { accounts: SimAccountInput[] | null };

export function readCliConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      accounts: { type: 'string' },
      market: { type: 'string' },
      'rate-limits': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const parsed = envSchema.safeParse({
    port: values.port ?? env.SMARTAPI_SIM_PORT,
    host: values.host ?? env.SMARTAPI_SIM_HOST,
    accounts: values.accounts ?? env.SMARTAPI_SIM_ACCOUNTS,
    market: values.market ?? env.SMARTAPI_SIM_MARKET,
    rateLimits: values['rate-limits'] ?? env.SMARTAPI_SIM_RATE_LIMITS,
    logLevel: values['log-level'] ?? env.SMARTAPI_SIM_LOG_LEVEL,
  });
  if (!parsed.success) throw new Error(`smartapi-sim configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  const file = c.accounts === undefined ? null : readAccounts(c.accounts);
  return {
    port: c.port,
    host: c.host,
    marketHours: c.market,
    logLevel: c.logLevel,
    rateLimits: c.rateLimits === 'off' ? false : undefined,
    accounts: file?.accounts ?? null,
    instruments: file?.instruments ?? {},
  };
}

/** `source` is a path to a JSON file, or the JSON itself. */
function readAccounts(source: string): { accounts: SimAccountInput[]; instruments: Record<string, InstrumentInput> } {
  const text = source.trim().startsWith('[') || source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`smartapi-sim accounts (${source.slice(0, 60)}):\n${z.prettifyError(parsed.error)}`);
  const data = Array.isArray(parsed.data) ? { accounts: parsed.data, instruments: {} } : parsed.data;
  return {
    accounts: data.accounts.map(({ funds, ...a }) => ({ ...a, fundsPaise: funds })),
    instruments: Object.fromEntries(
      Object.entries(data.instruments ?? {}).map(([token, i]) => [
        token,
        { pricePaise: i.price, lotSize: i.lotSize, tickPaise: i.tick, freezeQty: i.freezeQty },
      ]),
    ),
  };
}
