// Bundles the workflow code (worker/workers.ts WORKFLOWS_PATH) into a file, in a process of its own:
// webpack's few hundred MB then never become part of the long-lived worker's resident set
// (worker/main.ts, issue 13 item 2). Same bundler, same options as Worker.create({ workflowsPath }).
//   node --import tsx worker/bundle-workflows.ts <workflowsPath> <outFile>
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

const [workflowsPath, outFile] = process.argv.slice(2);
if (!workflowsPath || !outFile) throw new Error('usage: bundle-workflows.ts <workflowsPath> <outFile>');
const { code } = await bundleWorkflowCode({ workflowsPath });
writeFileSync(outFile, code);
