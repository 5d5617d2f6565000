/** The command table: the one list `orgsync --help`, dispatch and the tests read. */
import type { Command } from '../runner.js';
import { approveDeletions, approveRun, cancel, pause, rejectDeletions, rejectRun, resume } from './control.js';
import { doctor } from './doctor.js';
import { rollback } from './rollback.js';
import { externalKeys } from './external-keys.js';
import { jobTitleKeys } from './job-title-keys.js';
import { list } from './list.js';
import { report } from './report.js';
import { run } from './run.js';
import { schedule } from './schedule.js';
import { status } from './status.js';
import { syncEmployee } from './sync-employee.js';
import { worker } from './worker.js';

export const COMMANDS: readonly Command[] = [
  run,
  status,
  pause,
  resume,
  cancel,
  approveDeletions,
  rejectDeletions,
  approveRun,
  rejectRun,
  rollback,
  report,
  list,
  schedule,
  syncEmployee,
  jobTitleKeys,
  externalKeys,
  doctor,
  worker,
];
