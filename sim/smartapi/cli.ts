import { readCliConfig } from './cli-config.ts';
import { createSmartApiSim } from './server.ts';
import { totpAt } from './totp.ts';
import type { SimAccountInput } from './types.ts';

// `npm run smartapi-sim -- --port 8787 --accounts accounts.json --market nse`

const DEMO_ACCOUNTS: SimAccountInput[] = [
  { clientcode: 'DEMO1', pin: '1111', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', apiKey: 'demo-key-1', name: 'DEMO MASTER' },
  { clientcode: 'DEMO2', pin: '2222', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', apiKey: 'demo-key-2', name: 'DEMO FOLLOWER' },
];

async function main(): Promise<void> {
  const config = readCliConfig(process.argv.slice(2), process.env);
  const accounts = config.accounts ?? DEMO_ACCOUNTS;
  const sim = await createSmartApiSim({ ...config, accounts });
  const lines = [
    `SmartAPI simulator (market hours: ${config.marketHours}, rate limits: ${config.rateLimits === false ? 'off' : 'SmartAPI'})`,
    `  REST root        ${sim.url}`,
    `  order updates    ${sim.wsUrl}`,
    `  admin            ${sim.url}/__sim/state  (POST /__sim/price, /__sim/faults, /__sim/fill, /__sim/hours, /__sim/amo/release, /__sim/accounts, /__sim/holdings)`,
    '',
    config.accounts === null ? 'Demo accounts (pass --accounts FILE or SMARTAPI_SIM_ACCOUNTS for your own):' : 'Accounts:',
  ];
  for (const a of accounts) {
    lines.push(
      `  ${a.clientcode}  pin ${a.pin}  api key ${a.apiKey ?? '(any)'}  TOTP secret ${a.totpSecret}  (code now: ${await totpAt(a.totpSecret)})`,
    );
  }
  lines.push('', 'Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`smartapi-sim: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
