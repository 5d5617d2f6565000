// The workflows the worker registers. Activities are referenced by type only.
export { orgSyncWorkflow } from './org-sync.js';
export { stageWorkflow } from './stage.js';
export { syncEmployeeWorkflow } from './sync-employee.js';
export { notifyWorkflow } from './notify.js';
