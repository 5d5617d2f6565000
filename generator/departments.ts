/** Department records: codes, names and the tree's primary facts (settle.ts derives the rest). */
import { DEPARTMENT_TOPICS, DEPARTMENT_UNITS, HQ_CORP, MAX_DEPTH } from './catalog.js';
import type { Random } from './random.js';
import { scramble } from './random.js';
import { corpFields } from './settle.js';
import type { Department } from './types.js';

const CODE_SPACE = 26 * 26 * 1000;

/** C60 + two letters + three digits, like the seed's C60AH959; a bijection of the serial, so never reissued. */
export function departmentCode(companyCode: string, serial: number): string {
  if (serial >= CODE_SPACE) throw new RangeError(`more than ${CODE_SPACE} departments`);
  const n = scramble(serial, CODE_SPACE, 7919);
  const letters = Math.floor(n / 1000);
  return `${companyCode}${String.fromCharCode(65 + Math.floor(letters / 26), 65 + (letters % 26))}${String(n % 1000).padStart(3, '0')}`;
}

/** Gives departments names that are unique in the company: 클라우드팀, else 클라우드팀(보안), else 클라우드2팀. */
export class DepartmentNames {
  readonly #used = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const name of existing) this.#used.add(name);
  }

  release(name: string): void {
    this.#used.delete(name);
  }

  name(
    random: Random,
    level: number,
    parentTopic: readonly [string, string] | undefined,
  ): { ko: string; en: string; topic: readonly [string, string] } {
    const topic = random.pick(DEPARTMENT_TOPICS);
    const [unit, enUnit] = random.pick(DEPARTMENT_UNITS[level] ?? DEPARTMENT_UNITS[MAX_DEPTH]!);
    const candidates: [string, string][] = [[`${topic[0]}${unit}`, `${topic[1]} ${enUnit}`]];
    if (parentTopic) candidates.push([`${topic[0]}${unit}(${parentTopic[0]})`, `${topic[1]} ${enUnit} (${parentTopic[1]})`]);
    for (const [ko, en] of candidates) if (!this.#used.has(ko)) return this.#take(ko, en, topic);
    for (let n = 2; ; n++) {
      const ko = `${topic[0]}${n}${unit}`;
      if (!this.#used.has(ko)) return this.#take(ko, `${topic[1]} ${enUnit} ${n}`, topic);
    }
  }

  #take(ko: string, en: string, topic: readonly [string, string]) {
    this.#used.add(ko);
    return { ko, en, topic };
  }
}

/** The topic a department name starts with (for naming its children "…(topic)"). */
export function topicOf(name: string): readonly [string, string] | undefined {
  return DEPARTMENT_TOPICS.find(([ko]) => name.startsWith(ko));
}

/** A department's own facts; level, parent names, 총괄, head and lowDepartmentYn are settled later. */
export function newDepartment(
  companyCode: string,
  company: { name: string; enName: string },
  code: string,
  name: { ko: string; en: string },
  parent: string,
  order: number,
): Department {
  return {
    companyCode,
    companyName: company.name,
    departmentCode: code,
    departmentLevel: '',
    departmentName: name.ko,
    departmentOrder: String(order),
    enCompanyName: company.enName,
    enDepartmentName: name.en,
    enManagerTitle: '',
    enSubOrgCode: '',
    inDepartmentCode: '',
    lowDepartmentYn: 'F',
    managerId: '',
    managerName: '',
    managerTitle: '',
    ...corpFields(HQ_CORP),
    subOrgCode: '',
    subOrgName: '',
    uprDepartmentCode: parent,
    enUprDepartmentName: '',
    uprDepartmentName: '',
    hiddenDepartmentYn: 'F',
  };
}
