import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/src/config.ts';
import { trustProxies } from '../../server/src/http/client-ip.ts';

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
        ports?: string[];
        volumes?: string[];
        networks?: Record<string, { ipv4_address?: string }>;
      }
    >;
    networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } }>;
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

  it("publishes one port, the proxy's, which waits for healthy replicas and reads the committed nginx config", () => {
    const { proxy, tandem } = compose.services;
    expect(tandem?.ports).toBeUndefined();
    expect(proxy?.image).toMatch(/^nginx:1\./);
    expect(proxy?.ports).toEqual(['4000:4000']);
    expect(proxy?.depends_on).toEqual({ tandem: { condition: 'service_healthy' } });
    // The image's nginx.conf includes conf.d/*.conf in its http block; default.conf is its own site on port 80, replaced.
    expect(proxy?.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
  });

  it('has nginx listen on the published port and pass to the replicas by their service name and port', () => {
    const nginx = read('deploy/nginx.conf');
    const published = compose.services.proxy!.ports![0]!.split(':')[1];
    expect([...nginx.matchAll(/^\s*listen\s+(\S+);/gm)].map((m) => m[1])).toEqual([published]);
    const replicaPort = compose.services.tandem!.environment!.PORT;
    expect([...nginx.matchAll(/^\s*server\s+(\S+);/gm)].map((m) => m[1])).toEqual([`tandem:${replicaPort}`]);
    expect(nginx).toMatch(/^\s*proxy_pass http:\/\/tandem_replicas;/m);
  });

  it("has the replicas believe X-Forwarded-For from the proxy's fixed address alone", () => {
    const ipam = compose.networks?.default?.ipam?.config?.[0];
    const proxyAddress = compose.services.proxy?.networks?.default?.ipv4_address;
    // One address, not the subnet: the subnet holds the gateway, which connections from the host come from.
    expect(loadConfig({ TRUSTED_PROXIES: compose.services.tandem!.environment!.TRUSTED_PROXIES! }).TRUSTED_PROXIES).toEqual([proxyAddress]);
    expect(trustProxies([ipam!.subnet!])(proxyAddress!)).toBe(true);
    // Outside the range other containers are given addresses from, so none of them can hold it.
    expect(trustProxies([ipam!.ip_range!])(proxyAddress!)).toBe(false);
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
