import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'db/**/*.test.ts', 'renderer/**/*.test.ts', 'build/**/*.test.ts'],
    // scrypt (N=2^17) takes ~0.5 s a hash: tests that sign in need room
    testTimeout: 30_000,
    pool: 'forks',
  },
});
