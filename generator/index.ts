/** The synthetic Knox org generator: pure, deterministic from a seed, no I/O. */
export { bigDepartmentSize, exactPageSize, generateOrg, type GenerateOptions } from './generate.js';
export { nextDay } from './next-day.js';
export { validateOrg } from './validate.js';
export { EDGES, SPARSE_OMITS, type Edge } from './employees.js';
export type { GeneratedOrg, OrgChanges } from './types.js';
