import { Writable } from 'node:stream';
import pino from 'pino';

/** One line as pino writes it: the standard fields, then whatever the call logged. */
export interface LogLine {
  level: number;
  time: number;
  msg?: string;
  /** An error logged as `err`, as pino's serializer writes it. */
  err?: { type: string; message: string; stack: string };
  [field: string]: unknown;
}

/** A logger whose JSON lines a test can read back, to check what the server logged and that no secret is there. */
export function capturedLog(level: pino.Level = 'info'): { log: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}
