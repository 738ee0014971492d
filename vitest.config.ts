import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real peers (Orthanc, trust processes) on free loopback ports;
    // two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
