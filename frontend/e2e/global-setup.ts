import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    databaseUrl: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Starts one server for the whole run and stops it at the end. */
export default async function setup(project: TestProject) {
  if (!existsSync(`${repoRoot}/assets/dist/index.html`)) {
    throw new Error('assets/dist/index.html is missing: run "npm run build" before the end-to-end tests');
  }
  const server = await startServer(repoRoot);
  project.provide('baseURL', server.baseURL);
  project.provide('databaseUrl', server.databaseUrl);
  return () => server.stop();
}
