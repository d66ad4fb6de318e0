import { z } from 'zod';
import { ORDER_ROW_MAX_QUANTITY } from './core/order-bounds.ts';
import { trustedProxyProblems } from './http/client-ip.ts';

const MAX_ORDER_VALUE_RUPEES = Math.floor(Number.MAX_SAFE_INTEGER / 100);

const durationPattern = /^(\d+)\s*(s|m|h|d)$/;

/** Parses "15m", "12h", "7d" into seconds. */
export function parseDuration(text: string): number {
  const match = durationPattern.exec(text.trim());
  if (!match) return NaN;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    })
    .optional();

/** Exactly what a browser sends in its Origin header: scheme, host and port if not the default. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}

const originList = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const origins = text
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    origins.forEach((origin, index) => {
      if (!isOrigin(origin))
        ctx.addIssue({
          code: 'custom',
          message: `entry ${index + 1} must be an origin such as https://desk.example.com (lower case, no path, no trailing slash)`,
        });
    });
    return origins;
  });

/** Our own reverse proxies, whose X-Forwarded-For entries are believed (http/client-ip.ts). */
const proxyList = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    for (const message of trustedProxyProblems(entries)) ctx.addIssue({ code: 'custom', message });
    return entries;
  });

const configShape = z.object({
  PORT: int(4000).pipe(z.number().max(65_535)),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1 to 64 letters, digits, :, _ or -')
    .default('tandem:'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  SMARTAPI_ROOT_URL: z.string().url().default('https://apiconnect.angelone.in'),
  SMARTAPI_ORDER_WS_URL: z.string().url().default('wss://tns.angelone.in/smart-order-update'),
  ROLE: z.enum(['all', 'api', 'replicator']).default('all'),
  PAPER_LATENCY_MS: int(0),
  PAPER_MARKET_HOURS: z.enum(['always', 'nse']).default('always'),
  PAPER_SEED: int(42),
  PAPER_AMO_DELAY_MS: int(2000),
  PAPER_TICK_MS: int(1000, 10),
  MAX_COPY_DELAY_S: int(30, 1),
  MASTER_LEASE_TTL_S: int(3, 1),
  SETTLE_AFTER_S: int(10, 1),
  DRIFT_ALERT_AFTER_S: int(60, 1),
  // One order row holds at most an int4 quantity; a larger bound could never be placed.
  MAX_ORDER_QUANTITY: int(100_000, 1).pipe(
    z.number().max(ORDER_ROW_MAX_QUANTITY, `must be at most ${ORDER_ROW_MAX_QUANTITY}, the most one order holds`),
  ),
  // Rupees; counted in paise, which must stay an exact integer.
  MAX_ORDER_VALUE: int(50_000_000, 1).pipe(z.number().max(MAX_ORDER_VALUE_RUPEES, `must be at most ${MAX_ORDER_VALUE_RUPEES} rupees`)),
  JWT_TTL: z
    .string()
    .default('12h')
    .refine((v) => parseDuration(v) > 0, { message: 'must look like 15m, 12h or 7d' }),
  // How long order events are kept: EVENT_RETENTION as a duration, or whole days as before (eventRetention).
  EVENT_RETENTION: z
    .string()
    .refine((v) => parseDuration(v) >= 1, { message: 'must be a duration of at least 1s, such as 90s, 10m, 12h or 30d' })
    .optional(),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  // Requests (and subscription starts) each API token may make in any minute, counted across every
  // instance through Redis. Sessions (the dashboard) are not limited by it.
  API_TOKEN_RATE_PER_MIN: int(600, 1),
  ALERT_WEBHOOK_URL: optionalUrl(['http://', 'https://']),
  // The HMAC key of every alert's X-Tandem-Signature (alerts/signature.ts). Without it, alerts go
  // out unsigned and start-up warns of it: an alert unsent is worse than one unsigned.
  ALERT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CORS_ORIGINS: originList,
  TRUSTED_PROXIES: proxyList,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_DATA: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

/** EVENT_RETENTION replaces EVENT_RETENTION_DAYS; both at once leave it unclear which was meant. */
function oneEventRetention(config: { EVENT_RETENTION?: unknown; EVENT_RETENTION_DAYS?: unknown }, ctx: z.RefinementCtx): void {
  if (config.EVENT_RETENTION !== undefined && config.EVENT_RETENTION_DAYS !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['EVENT_RETENTION'], message: 'set EVENT_RETENTION or EVENT_RETENTION_DAYS, not both' });
  }
}

const configSchema = configShape.superRefine((config, ctx) => {
  if (config.DATABASE_URL && !config.SECRET_KEY) {
    ctx.addIssue({ code: 'custom', path: ['SECRET_KEY'], message: 'is required when DATABASE_URL is set' });
  }
  if (Boolean(config.ADMIN_EMAIL) !== Boolean(config.ADMIN_PASSWORD)) {
    ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
  }
});

// Run even when other variables are wrong, so a conflict is listed with them.
const checkedConfigSchema = configSchema.superRefine(oneEventRetention, { when: () => true });

export type Config = z.infer<typeof configSchema>;

const DEFAULT_EVENT_RETENTION_S = 30 * 86_400;
// Nothing is older than a century: a longer retention keeps everything, and stays a valid date to subtract.
const LONGEST_EVENT_RETENTION_MS = 36_500 * 86_400_000;

/**
 * How long order events are kept for replay, and how often those past it are pruned: a tenth
 * of it, from 1 s up to an hour, so an event outlives the retention by a tenth at most.
 */
export function eventRetention(config: Pick<Config, 'EVENT_RETENTION' | 'EVENT_RETENTION_DAYS'>): { keepMs: number; pruneEveryMs: number } {
  const seconds =
    config.EVENT_RETENTION !== undefined
      ? parseDuration(config.EVENT_RETENTION)
      : config.EVENT_RETENTION_DAYS !== undefined
        ? config.EVENT_RETENTION_DAYS * 86_400
        : DEFAULT_EVENT_RETENTION_S;
  const keepMs = Math.min(seconds * 1000, LONGEST_EVENT_RETENTION_MS);
  return { keepMs, pruneEveryMs: Math.min(3_600_000, Math.max(1000, Math.floor(keepMs / 10))) };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every variable once; all problems are reported together. Values never appear in messages. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(configShape.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const result = checkedConfigSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`));
  }
  return result.data;
}
