import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/src/config.ts';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

// There is no Docker engine here: the files users run are checked for what would break them.
describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        environment?: Record<string, string>;
        deploy?: { replicas?: number };
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: unknown;
      }
    >;
  };

  it('runs postgres, redis and several Tandem replicas that wait for both to be healthy', () => {
    const { postgres, redis, tandem } = compose.services;
    expect(postgres?.image).toMatch(/^postgres:/);
    expect(redis?.image).toMatch(/^redis:/);
    expect(postgres?.healthcheck).toBeDefined();
    expect(redis?.healthcheck).toBeDefined();
    expect(tandem?.build).toBe('.');
    expect(tandem?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(tandem?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('gives the replicas a configuration Tandem accepts, pointing at the compose services', () => {
    const env = { ...compose.services.tandem!.environment! };
    // Values the user supplies through ${...} are stood in for.
    for (const [key, value] of Object.entries(env)) {
      if (value.includes('${')) env[key] = key === 'ADMIN_EMAIL' ? 'admin@tandem.local' : 'x'.repeat(40);
    }
    const config = loadConfig(env);
    expect(new URL(config.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
    expect(config.SECRET_KEY).toBeDefined();
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('installs from the lockfile and starts the server the README way', () => {
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^CMD \["npm", "start"\]/m);
    expect(dockerfile).toMatch(/COPY server \.\/server/);
  });
  it('has every runtime tool npm start needs in dependencies, not devDependencies', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^tsx /);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });
});
