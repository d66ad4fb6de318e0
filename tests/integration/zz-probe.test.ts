import { it } from 'vitest';
import { startTestServer } from '../support/harness.ts';
import { createHttpServer } from '../../server/src/http-server.ts';
import type { AddressInfo } from 'node:net';

it('probe', async () => {
  const server = await startTestServer();
  const token = await server.login();
  const master = await server.account('DEMO-MASTER');
  const show = (label: string, r: unknown) => console.log(label, JSON.stringify(r).slice(0, 600));
  const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
  const base = { accountId: master.id, exchange: 'NSE', symbol: 'SBIN-EQ', side: 'BUY', quantity: 1, orderType: 'MARKET', productType: 'INTRADAY' };
  show('abc', await server.gql(PLACE, { input: { ...base, quantity: 'abc' } }, token));
  show('missing', await server.gql(PLACE, { input: { ...base, quantity: undefined } }, token));
  show('float', await server.gql(PLACE, { input: { ...base, quantity: 1.5 } }, token));
  show('neg', await server.gql(PLACE, { input: { ...base, quantity: -5 } }, token));
  show('badid', await server.gql(PLACE, { input: { ...base, accountId: 'nope' } }, token));
  show('unk id', await server.gql(PLACE, { input: { ...base, accountId: '00000000-0000-4000-8000-000000000000' } }, token));
  show('tick', await server.gql(PLACE, { input: { ...base, orderType: 'LIMIT', price: 1010.03 } }, token));
  show('sym', await server.gql(PLACE, { input: { ...base, symbol: 'NOPE-EQ' } }, token));
  show('enum', await server.gql(PLACE, { input: { ...base, side: 'HOLD' } }, token));
  show('parse', await server.gql(`query { accounts { id `, {}, token));
  show('valid', await server.gql(`query { accounts { nope } }`, {}, token));
  show('inline', await server.gql(`mutation { placeOrder(input: {accountId: "x", exchange: "NSE", symbol: "S", side: BUY, quantity: "abc", orderType: MARKET, productType: INTRADAY}) { id } }`, {}, token));
  show('nan factor', await server.gql(`mutation($input: CreateMultiplierInput!) { createMultiplier(input: $input) { id } }`, { input: { masterId: master.id, followerId: master.id, factor: 'NaN' } }, token));
  show('nan factor2', await server.gql(`mutation { createMultiplier(input: {masterId: "${master.id}", followerId: "${master.id}", factor: NaN}) { id } }`, {}, token));
  const deep = 'query { me { ' + 'a { '.repeat(48) + 'id' + ' }'.repeat(48) + ' } }';
  show('deep', await server.gql(deep, {}, token));
  let q = 'query { me { id } }';
  const http = createHttpServer(server.tandem.services, server.yoga);
  await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r));
  const port = (http.server.address() as AddressInfo).port;
  const big = JSON.stringify({ query: 'query { me { id } }' + ' '.repeat(10 * 1024 * 1024) });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    show('big ' + res.status, await res.text());
  } catch (e) { show('big err', String(e) + (e as any).cause); }
  try {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < bytes.length; i += 65536) c.enqueue(bytes.slice(i, i + 65536)); c.close(); } });
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as any);
    show('chunked ' + res.status, (await res.text()).slice(0, 300));
  } catch (e) { show('chunked err', String(e) + (e as any).cause); }
  const bigq = 'query { ' + 'me { id } '.repeat(1_000_000) + '}';
  try {
    const bytes = new TextEncoder().encode(JSON.stringify({query: bigq}));
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < bytes.length; i += 65536) c.enqueue(bytes.slice(i, i + 65536)); c.close(); } });
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as any);
    show('chunked tokens ' + res.status, (await res.text()).slice(0, 300));
  } catch (e) { show('chunked err', String(e) + (e as any).cause); }
  const deepRes = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: deep }) });
  show('deep http ' + deepRes.status, await deepRes.text());
  const ok = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: q }) });
  show('ok ' + ok.status, await ok.text());
  await http.close();
  await server.close();
}, 60000);
