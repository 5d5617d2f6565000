import type { KnoxEmployeeRecord, KnoxOrganizationRecord, KnoxTitleRecord } from '../knox/seed-attributes.js';

/** What Knox holds for one company on one day. `employees` are those Knox returns (resigned people are gone). */
export interface GeneratedOrg {
  companyCode: string;
  titles: KnoxTitleRecord[];
  organizations: KnoxOrganizationRecord[];
  employees: KnoxEmployeeRecord[];
  /** Generator state for nextDay: the calendar day (yyyyMMdd) and the next serials, so ids are never reissued. */
  meta: { date: string; nextEmployeeSerial: number; nextDepartmentSerial: number };
}

/** What nextDay changed: epIds (people) and departmentCodes. Each id once per list; a hire is in no other people list. */
export interface OrgChanges {
  hired: string[];
  resigned: string[];
  transferred: string[];
  promoted: string[];
  /** People whose name changed. */
  renamed: string[];
  wentOnLeave: string[];
  returnedFromLeave: string[];
  departmentsAdded: string[];
  departmentsRenamed: string[];
  departmentsMoved: string[];
  departmentsDeleted: string[];
  /** Departments whose head (managerId) changed. */
  headsChanged: string[];
}

/** The generator's records carry every attribute the seed documents (optional ones included; a sparse record drops a few). */
export type Employee = Required<KnoxEmployeeRecord>;
export type Department = Required<KnoxOrganizationRecord>;
