/** The Knox Portal client: what the sync engine imports. The simulator and generator have their own entry points. */
export { createKnoxClient, departmentCodesOf, titleCodesOf } from './client.js';
export type {
  EmployeeEnumeration,
  EmployeeProgress,
  KnoxClient,
  KnoxClientOptions,
  ListEmployeesByTitleOptions,
  ListEmployeesOptions,
  ListOrganizationsOptions,
} from './client.js';
export type { KnoxInvalidRecord, KnoxListing } from './listing.js';
export {
  employeeReader,
  KNOX_USED_FIELDS,
  KnoxEmployeeSchema,
  KnoxOrganizationSchema,
  KnoxTitleSchema,
  organizationReader,
  titleReader,
} from './schemas.js';
export type { KnoxEmployee, KnoxOrganization, KnoxReader, KnoxRecordKind, KnoxTitle } from './schemas.js';
export { SEED_ATTRIBUTES, type KnoxEmployeeRecord, type KnoxOrganizationRecord, type KnoxTitleRecord } from './seed-attributes.js';
export * from './errors.js';
export { DEFAULT_PROTOCOL, type KnoxProtocol } from './assumptions.js';
