/** The WORKPLACE client: what the sync engine imports. The simulator has its own entry point (simulator/server.ts). */
export { createWorkplaceClient } from './client.js';
export type {
  AttributeValueApi,
  CallOptions,
  EntityApi,
  ListedApi,
  ListOptions,
  ReportsToApi,
  UnmappedRecord,
  UnreadableRecord,
  WorkplaceClient,
  WorkplaceClientOptions,
  WorkplaceListing,
} from './client.js';
export { DEFAULT_PROTOCOL, resolveProtocol, routeConfigKey } from './assumptions.js';
export type { RouteName, WorkplaceProtocol, WorkplaceProtocolOverrides } from './assumptions.js';
export {
  AbsenceBodySchema,
  AbsenceSchema,
  AttributeDefinitionBodySchema,
  AttributeDefinitionSchema,
  AttributeValueBodySchema,
  DepartmentBodySchema,
  DepartmentSchema,
  EmployeeBodySchema,
  EmployeeSchema,
  GradeBodySchema,
  GradeSchema,
  JobBodySchema,
  JobSchema,
  ReportsToBodySchema,
} from './schemas.js';
export type {
  Absence,
  AbsenceBody,
  AttributeDefinition,
  AttributeDefinitionBody,
  AttributeValueBody,
  Department,
  DepartmentBody,
  Employee,
  EmployeeBody,
  Grade,
  GradeBody,
  Job,
  JobBody,
  ReportsToBody,
} from './schemas.js';
export {
  WorkplaceAlreadyExistsError,
  WorkplaceAuthError,
  WorkplaceError,
  WorkplaceNetworkError,
  WorkplaceNoRouteError,
  WorkplaceNotFoundError,
  WorkplaceRateLimitError,
  WorkplaceRequestError,
  WorkplaceResponseError,
  WorkplaceServerError,
  WorkplaceValidationError,
} from './errors.js';
export type { WorkplaceErrorCode } from './errors.js';
export { sign, signedHeaders, stringToSign, type SignatureVersion, type SigningInput } from './signing.js';
