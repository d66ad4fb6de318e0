// Tandem as main.ts runs it, with one fault injected: every order, once claimed, is held
// TEST_HOLD_BEFORE_SEND_MS before its lease check and broker call, as if the process paused
// there (a long GC, a SIGSTOP). A failover test SIGSTOPs it inside that window, deterministically.
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '../../server/src/serve.ts';

const holdMs = Number(process.env.TEST_HOLD_BEFORE_SEND_MS ?? '0');
await serve({ beforeBrokerCall: () => sleep(holdMs) });
