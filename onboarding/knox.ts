/**
 * The Knox reads `orgsync external-keys` needs for one entity, from every configured company, through the
 * real client. Read only: nothing here writes to Knox or WORKPLACE.
 */
import { departmentCodesOf } from '../knox/index.js';
import type { KnoxClient, KnoxEmployee, KnoxInvalidRecord, KnoxOrganization, KnoxTitle } from '../knox/index.js';
import { KNOX_NEEDS, type Entity, type KnoxData } from './external-keys.js';

/** What a row's employee is matched and labelled by, plus what the 직책 key derives from. */
const EMPLOYEE_ATTRIBUTES = ['emailAddress', 'userId', 'fullName', 'departmentCode', 'gradeName', 'enGradeName', 'jobCode', 'jobName'];

export async function readKnoxFor(
  entity: Entity,
  knox: KnoxClient,
  companyCodes: readonly string[],
): Promise<{ data: KnoxData; invalid: KnoxInvalidRecord[] }> {
  const needs = new Set(KNOX_NEEDS[entity]);
  const data = { titles: [] as KnoxTitle[], organizations: [] as KnoxOrganization[], employees: [] as KnoxEmployee[] };
  const invalid: KnoxInvalidRecord[] = [];
  for (const company of companyCodes) {
    if (needs.has('titles')) {
      const titles = await knox.listTitles(company);
      data.titles.push(...titles.rows);
      invalid.push(...titles.invalid);
    }
    if (!needs.has('organizations') && !needs.has('employees')) continue;
    const organizations = await knox.listOrganizations(company);
    if (needs.has('organizations')) {
      data.organizations.push(...organizations.rows);
      invalid.push(...organizations.invalid);
    }
    if (needs.has('employees')) {
      const employees = await knox.listEmployees(company, {
        departmentCodes: departmentCodesOf(organizations),
        attributes: EMPLOYEE_ATTRIBUTES,
      });
      data.employees.push(...employees.rows);
      invalid.push(...employees.invalid);
    }
  }
  return { data, invalid };
}
