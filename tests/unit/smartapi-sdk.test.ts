import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readAnswer } from '../../server/src/brokers/smartapi/answer.ts';
import { createSdk } from '../../server/src/brokers/smartapi/sdk.ts';

// smartapi-javascript's hazards (docs/smartapi.md §12): offline, its constructor's public-IP lookup
// rejects unhandled ~6 s later and ends the process; its logger writes secrets to ./error.log.
describe('smartapi-javascript loaded through the adapter, offline', () => {
  const cwd = process.cwd();
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-sdk-'));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(() => {
    process.chdir(scratch);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    process.chdir(cwd);
  });

  it('never looks up the public IP, so nothing rejects unhandled and nothing leaves the machine', async () => {
    const udp = vi.spyOn(dgram, 'createSocket');
    const httpRequests = vi.spyOn(http, 'request');
    const httpsRequests = vi.spyOn(https, 'request');
    const publicIp = createRequire(createRequire(import.meta.url).resolve('smartapi-javascript/lib/smartapi-connect.js'))('public-ip') as {
      v4: () => Promise<unknown>;
    };

    createSdk({ apiKey: 'offline-key', root: 'http://127.0.0.1:9', timeoutMs: 500 });
    expect(await publicIp.v4()).toBeNull();
    // Long enough for a lookup to have started (dns-socket opens its UDP socket at once).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(udp).not.toHaveBeenCalled();
    expect(httpRequests).not.toHaveBeenCalled();
    expect(httpsRequests).not.toHaveBeenCalled();
    expect(unhandled).toEqual([]);
  });

  it('turns an unreachable server into an unknown outcome, and writes no error.log', async () => {
    const sdk = createSdk({ apiKey: 'secret-api-key', root: 'http://127.0.0.1:9', timeoutMs: 500 });
    sdk.setAccessToken('secret-jwt');
    const answer = readAnswer(await sdk.placeOrder({ variety: 'NORMAL', ordertag: 'T1' }), 'placeOrder');
    expect(answer).toMatchObject({ ok: false, error: { outcome: 'unknown' } });
    expect(existsSync(join(scratch, 'error.log'))).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
