import { fileURLToPath } from 'node:url';

/** The dashboard's sources (client/) and its build (client/dist/), from the repository root. */
export const CLIENT_DIR = fileURLToPath(new URL('../../../client/', import.meta.url));
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../client/dist/', import.meta.url));
