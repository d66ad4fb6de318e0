import { Writable } from 'node:stream';
import pino from 'pino';

/** A logger whose JSON lines a test can read back, to check what the server logged and that no secret is there. */
export function capturedLog(level: pino.Level = 'info'): { log: pino.Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}
