/**
 * How the simulated WORKPLACE words its 400 answers (§4: no error catalogue is public). English by
 * default; `koreanMessages` answers as a Korean tenant plausibly would. Either way, the path key's
 * absence ("not found") and a failed reference ("does not exist", naming the missing key) are worded
 * apart, which is what the client's patterns (assumptions.ts `messages`) classify by.
 */
import type { Kind } from './store.js';

export interface Messages {
  alreadyExists(kind: Kind | 'attributeValue', key: string): string;
  notFound(kind: Kind | 'attributeValue' | 'reportsTo', key: string): string;
  /** A referenced record (parent, department, grade, job, manager, attribute) is missing. */
  missingReference(field: string, key: string): string;
  /** How an attribute value, whose path names two keys, is named in the two messages above. */
  valueKey(employeeKey: string, attrKey: string): string;
}

const ENGLISH_LABELS: Record<Kind | 'attributeValue' | 'reportsTo', string> = {
  grade: 'grade',
  job: 'job',
  department: 'department',
  employee: 'employee',
  attributeDefinition: 'additional attribute',
  absence: 'absence item',
  attributeValue: 'additional attribute',
  reportsTo: 'Reports To of employee',
};

const KOREAN_LABELS: Record<Kind | 'attributeValue' | 'reportsTo', string> = {
  grade: '직급',
  job: '직책',
  department: '부서',
  employee: '사원',
  attributeDefinition: '추가정보',
  absence: '부재항목',
  attributeValue: '사원 추가정보',
  reportsTo: 'Reports To',
};

export const ENGLISH: Messages = {
  alreadyExists: (kind, key) => `${ENGLISH_LABELS[kind]} ${key} already exists`,
  notFound: (kind, key) => `${ENGLISH_LABELS[kind]} ${key} not found`,
  missingReference: (field, key) => `${field} ${key} does not exist`,
  valueKey: (employeeKey, attrKey) => `${attrKey} of employee ${employeeKey}`,
};

export const KOREAN: Messages = {
  alreadyExists: (kind, key) => `이미 존재하는 ${KOREAN_LABELS[kind]}입니다. (externalKey: ${key})`,
  notFound: (kind, key) => `${KOREAN_LABELS[kind]} 정보를 찾을 수 없습니다. (externalKey: ${key})`,
  missingReference: (field, key) => `${field} ${key}은(는) 존재하지 않는 값입니다.`,
  valueKey: (employeeKey, attrKey) => `${employeeKey}/${attrKey}`,
};
