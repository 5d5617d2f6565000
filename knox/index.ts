/** The Knox Portal client: what the sync engine imports. The simulator and generator have their own entry points. */
export { createKnoxClient, departmentCodesOf } from './client.js';
export type { EmployeeProgress, KnoxClient, KnoxClientOptions, ListEmployeesOptions } from './client.js';
export type { KnoxInvalidRecord, KnoxListing } from './listing.js';
export { EMPLOYEE_ATTRIBUTES, employeeSchemaFor, KnoxEmployeeSchema, KnoxOrganizationSchema, KnoxTitleSchema } from './schemas.js';
export type { KnoxEmployee, KnoxEmployeeAttribute, KnoxOrganization, KnoxRecordKind, KnoxTitle } from './schemas.js';
export {
  KnoxAuthError,
  KnoxError,
  KnoxInconsistentReadError,
  KnoxNetworkError,
  KnoxRateLimitError,
  KnoxRequestError,
  KnoxResponseError,
  KnoxServerError,
} from './errors.js';
export { DEFAULT_PROTOCOL, type KnoxProtocol } from './assumptions.js';
