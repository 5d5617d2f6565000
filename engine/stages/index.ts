import type { StageName } from '../pipeline.js';
import { absenceItems } from './absence-items.js';
import { additionalAttributes } from './additional-attributes.js';
import { departments } from './departments.js';
import { employees } from './employees.js';
import { grades } from './grades.js';
import { jobTitles } from './job-titles.js';
import { reportsTo } from './reports-to.js';
import type { StageSpec } from './spec.js';

/** Every stage's spec, by name. The order they run in is PIPELINE's (workflows/definitions.ts). */
export const STAGE_SPECS: Readonly<Record<StageName, StageSpec<unknown>>> = {
  grades,
  jobTitles,
  departments,
  employees,
  reportsTo,
  additionalAttributes,
  absenceItems,
};
