#!/usr/bin/env node
// The `orgsync` command (package.json "bin"): runs the TypeScript CLI through tsx, as `npm run worker` does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../client/cli.ts');
await main();
