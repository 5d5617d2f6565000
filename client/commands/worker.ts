import { defineCommand } from '../runner.js';

export const worker = defineCommand({
  name: 'worker',
  summary: 'run an orgsync worker until Ctrl-C (the same as npm run worker)',
  description: 'Needs the full configuration (Knox, WORKPLACE, store); see README "Configuration".',
  examples: ['orgsync worker', 'ORGSYNC_CONFIG=/etc/orgsync.yaml orgsync worker'],
  async run() {
    // Loaded on demand: the other commands need neither the worker nor its native runtime.
    const { main } = await import('../../worker/main.js');
    return main();
  },
});
