import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Pothos and Yoga load graphql through require(); our own imports must get that same
    // copy, not graphql's .mjs build, or its instanceof checks fail ("another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker: every file in turn, while the real-process
    // tests mostly wait on their servers. Two overlap that waiting (539 s against 634 s, loaded machine).
    maxWorkers: 2,
  },
});
