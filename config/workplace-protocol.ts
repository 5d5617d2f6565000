/**
 * The `workplace: protocol:` section of the config file: overrides of WORKPLACE's protocol
 * assumptions (their defaults and reasons are workplace/assumptions.ts DEFAULT_PROTOCOL; every key
 * there can be set here). Strict at every level, so a misspelt key is an error naming it rather than
 * a silently ignored setting. Lists replace the default list; objects merge key by key.
 */
import { z } from 'zod';

const name = (what: string) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { error: `expected ${what}` });
const fieldName = name('a field name (letters, digits, _)');
const segment = z.string().regex(/^[^/?#\s]+(\/[^/?#\s]+)*$/, {
  error: 'expected path segments such as reportsTo or employee/reportsTo (no leading /, no ? or #)',
});
const prefix = z.string().regex(/^\/[^?#\s]*$/, { error: 'expected a path starting with /' });
const verb = z.enum(['GET', 'POST', 'PUT', 'DELETE'], { error: 'expected GET, POST, PUT or DELETE' });
const count = z
  .number({ error: 'expected a whole number' })
  .int({ error: 'expected a whole number' })
  .positive({ error: 'expected a positive number' });
const status = z
  .number({ error: 'expected an HTTP status' })
  .int()
  .min(100, { error: 'expected an HTTP status' })
  .max(599, { error: 'expected an HTTP status' });
const flag = z.boolean({ error: 'expected true or false' });
const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { error: 'not a valid regular expression' },
);
const patterns = z.array(pattern, { error: 'expected a list of regular expressions' });

/** A strict object whose every key may be left out. */
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).partial();

const route = section({ version: z.enum(['v1', 'v2'], { error: 'expected v1 or v2' }), segment });
const extraFields = section({
  create: z.record(z.string(), z.json(), { error: 'expected field: value pairs' }),
  update: z.record(z.string(), z.json(), { error: 'expected field: value pairs' }),
});

export const WorkplaceProtocolSchema = section({
  prefixes: section({ v1: prefix, v2: prefix }),
  paths: section({
    grade: route,
    job: route,
    department: route,
    employee: route,
    attributeDefinition: route,
    attributeDefinitionList: route,
    attributeValue: route,
    representativeAdmin: route,
    reportsTo: route,
    absence: route,
    absenceList: route,
  }),
  attributeValues: section({
    employeeSegment: segment,
    attributeSegment: segment,
    verbs: section({ create: verb, update: verb, remove: verb, get: verb }),
  }),
  reportsTo: section({ field: fieldName, verbs: section({ set: verb, get: verb, clear: verb }) }),
  employees: section({
    referenceFields: section({ grade: fieldName, job: fieldName, empType: fieldName }),
    referenceMaxLength: count,
    bodyIsOpen: flag,
    nicknameSpecials: z.string(),
    nicknameAllowsSpaces: flag,
  }),
  departments: section({ root: z.string().min(1), headField: fieldName, headMaxLength: count, bodyKeyMustMatchPath: flag }),
  grades: section({ sortOrderMayBeEmpty: flag }),
  jobs: section({ sortOrderMayBeEmpty: flag }),
  attributeDefinitions: section({ addOnlyFields: z.array(fieldName), listShowsKeys: flag }),
  absences: section({ sortOrderIsInteger: flag }),
  extraFields: section({
    grades: extraFields,
    jobs: extraFields,
    departments: extraFields,
    employees: extraFields,
    attributeDefinitions: extraFields,
    attributeValues: extraFields,
    absences: extraFields,
  }),
  messages: section({ alreadyExists: patterns, notFound: patterns, missingReference: patterns }),
  paging: section({ offsetParam: fieldName, limitParam: fieldName, pageSize: count, fallbackPageSize: count }),
  listFields: section({ elements: fieldName, totalCount: fieldName }),
  envelopeFields: z.array(fieldName),
  successStatus: section({ GET: status, POST: status, PUT: status, DELETE: status, attributeDefinitionEdit: status }),
  keys: section({ maxLength: count, unsendable: z.array(z.string()) }),
  signing: section({
    headers: section({
      timestamp: name('a header name'),
      accessKey: name('a header name'),
      signatureV2: name('a header name'),
      signatureV1: name('a header name'),
      apiKey: name('a header name'),
    }),
    v1IncludesApiKey: flag,
    maxClockSkewMs: count,
  }),
  noRoute: section({ status, gatewayCode: z.string().min(1) }),
  retryAfterHeader: name('a header name'),
});

export type WorkplaceProtocolConfig = z.infer<typeof WorkplaceProtocolSchema>;
