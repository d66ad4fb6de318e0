// The run's table (stdout), its JSON (bench/results/live.json) and BENCHMARKS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { met, type ScenarioResult, type Target } from './scenario.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1e9),
    node: process.version,
    loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function verdict(target: Target): string {
  const ok = met(target);
  const mark = ok === null ? 'not measured' : ok ? 'met' : '**missed**';
  const limit = target.limit === null ? '?' : `${target.limit}`;
  return `${target.value ?? '?'} ${target.relation} ${limit} ${target.unit}${target.basis ? ` (${target.basis})` : ''}: ${mark}`;
}

export function markdownTable(results: ScenarioResult[]): string {
  const lines = ['| # | scenario | measure | value |', '|---|---|---|---|'];
  for (const r of results) {
    if (r.status !== 'ran') {
      lines.push(`| ${r.id} | ${r.title} | ${r.status} | ${r.note ?? ''} |`);
      continue;
    }
    lines.push(...r.rows.map((row, i) => `| ${i === 0 ? r.id : ''} | ${i === 0 ? r.title : ''} | ${row.measure} | ${row.value} |`));
  }
  const targets = results.flatMap((r) => r.targets.map((t) => `| ${r.id} | ${t.what} | ${verdict(t)} |`));
  return [...lines, '', '| # | target (p99 unless said) | result |', '|---|---|---|', ...targets].join('\n');
}

export function writeResults(file: string, body: unknown): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}

export function writeBenchmarksMd(options: {
  results: ScenarioResult[];
  machine: Machine;
  at: string;
  command: string;
  setting: string;
}): void {
  const { machine: m } = options;
  const missed = options.results.flatMap((r) => r.targets).filter((t) => met(t) === false).length;
  const total = options.results.flatMap((r) => r.targets).length;
  const text = `# Benchmarks

The latest \`npm run bench\` (rewritten by every run; raw numbers in \`bench/results/live.json\`).
Each scenario starts Tandem as a process of its own and drives it from outside: master orders
through the public GraphQL API, subscribers in separate client processes over SSE and
graphql-ws, Tandem's own timestamps read from its database. Targets are issue 13's; F is the
database floor (scenario 2) at the same N, p99.

- Run: ${options.at}, \`${options.command}\`
- Setting: ${options.setting}
- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}
- Load average (1/5/15 min) at start ${m.loadAtStart.join(' / ')}, at end ${m.loadAtEnd?.join(' / ') ?? '?'}.
  Other work may share the machine (a busy CI box, other test runs): read the numbers with it.
- Targets: ${total - missed} of ${total} met.

${markdownTable(options.results)}

## Reproduce

\`\`\`sh
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379
npm run bench                       # every scenario, full counts (about 15 minutes on 2 cores)
npm run bench -- --quick            # fewer orders and followers, about 2 minutes
npm run bench -- --only 2,1 --followers 100 --orders 100
\`\`\`

Scenarios 1, 2, 4, 5 and 6 need \`DATABASE_URL\` (each makes a scratch database and drops it);
\`REDIS_URL\` adds Redis as people deploy it. Scenario 7 runs without either, as \`npm start\`
does. The dashboard must be built (\`client/dist\`) for the start-up time to include serving it.
`;
  writeFileSync('BENCHMARKS.md', text);
}
