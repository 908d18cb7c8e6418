import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Unit tests only: the end-to-end suite has its own config in e2e/.
export default defineConfig({
  root,
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          globals: true,
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
          exclude: ['tests/**/*.perf.test.ts'],
          setupFiles: ['./tests/setup.ts'],
          restoreMocks: true,
        },
      },
      {
        // Timing budgets run against React's production build, as the
        // browser does: the development build checks every element it
        // creates and costs several times more.
        extends: true,
        oxc: { jsx: { runtime: 'automatic', development: false } },
        test: {
          name: 'perf',
          environment: 'node',
          include: ['tests/**/*.perf.test.ts'],
          env: { NODE_ENV: 'production' },
        },
      },
    ],
  },
});
