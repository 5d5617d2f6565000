/**
 * `npm run dev:server`: a local Temporal server with the Web UI, its state kept in .orgsync/temporal.db,
 * and orgsync's search attributes registered. Runs until Ctrl-C.
 */
import { join } from 'node:path';
import { REPO_ROOT, startDevServer } from './temporal-dev-server.js';

const port = Number(process.env.TEMPORAL_PORT ?? 7233);
const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const server = await startDevServer({ port, uiPort, dbFile: join(REPO_ROOT, '.orgsync/temporal.db'), inheritLogs: true });
console.log(`Temporal dev server on ${server.address} (${server.cli})`);
console.log(`Web UI: ${server.uiUrl}`);
console.log('State: .orgsync/temporal.db. Ctrl-C stops it.');
const stop = () => void server.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
