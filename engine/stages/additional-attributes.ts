/**
 * 추가정보 additional attributes: the definitions configured in `sync.additionalAttributes`, and each
 * employee's value taken from the named Knox attribute. Definitions come first (wave 0), then values
 * (wave 1), then deletions of definitions no longer configured (wave 2). Values cannot be listed
 * (workplace.md §2.8): their target is what the last run recorded, or one GET each on a first run.
 * Seed 000: needs the employee stage on; config refuses it otherwise.
 */
import type { AdditionalAttribute } from '../../config/index.js';
import type { KnoxEmployee } from '../../knox/index.js';
import type { AttributeDefinition, AttributeDefinitionBody } from '../../workplace/index.js';
import { compareKeys, delta, Dependencies, orderedDelta, type Dependency, type DesiredEntry } from '../plan.js';
import { departmentScope, employeesInScope, goneWithOf } from './mapping.js';
import { defineStage, madeWave, readEach, listedTarget, recordedCurrent, type StageDraft } from './spec.js';

export interface Value {
  fieldData: string;
}
type Body = AttributeDefinitionBody | Value;

/** An attribute value's plan key: one per employee and attribute. */
export const valueKey = (employeeKey: string, attributeKey: string) => `${employeeKey}/${attributeKey}`;
const isValueKey = (key: string) => key.includes('/');

export const additionalAttributes = defineStage<Body>(
  { stage: 'additionalAttributes', knox: ['organizations', 'employees'], target: 'recorded', upsert: true },
  {
    async plan(ctx): Promise<StageDraft<Body>> {
      const attributes = ctx.settings.additionalAttributes;

      // Definitions: listed by WORKPLACE. Its list may omit externalKey (seed 003 example), so fall back to the name.
      const byName = new Map(attributes.map((a) => [a.name, a.key]));
      const target = await listedTarget(
        'additionalAttributes',
        ctx.workplace.attributeDefinitions,
        ctx.signal,
        (d) => d.externalKey ?? byName.get(d.name),
      );
      const currentDefinitions = new Map([...target.current].map(([key, d]) => [key, comparable(d)]));
      // Compared as WORKPLACE lists them; written in full (item keys included).
      const bodies = new Map(attributes.map((a) => [a.key, definitionBody(a)]));
      const desiredDefinitions = new Map(
        [...bodies].map(([key, body]): [string, DesiredEntry<ReturnType<typeof comparable>>] => [
          key,
          { label: body.name, value: comparable(body) },
        ]),
      );
      const definitions = delta(desiredDefinitions, currentDefinitions, {
        fields: ['fieldType', 'name', 'i18nNames', 'searchDispYn', 'attrItemList'],
        body: (key, _value, existing): AttributeDefinitionBody =>
          existing ? bodies.get(key)! : { ...bodies.get(key)!, fieldUsedType: 'MEM' },
        leaveAlone: target.leaveAlone,
        deletes: target.deletes,
        deleteLabel: (_key, d) => d.name,
      });

      // Values, per employee in scope and attribute.
      const [organizations, people] = await Promise.all([ctx.knox.organizations(), ctx.knox.employees()]);
      const { included } = departmentScope(organizations, ctx.settings);
      const inScope = employeesInScope(people, included);
      // Every in-scope employee has a value key per attribute (none where Knox has no value: it is cleared).
      const employeeIds = new Set(inScope.map((p) => p.epId));
      const isWanted = (key: string) =>
        attributes.some((a) => key.endsWith(`/${a.key}`) && employeeIds.has(key.slice(0, -a.key.length - 1)));
      const recorded = await ctx.recorded<Value>(undefined, isWanted);
      // Employees this run could not create have no values to read; their items are skipped with that reason.
      // …and those created minutes ago by this run have none yet.
      const notCreated = ctx.missing.get('employees');
      const justCreated = recorded ? new Set<string>() : await ctx.createdThisRun('employees');
      const readable = () =>
        inScope
          .filter((p) => !notCreated?.has(p.epId) && !justCreated.has(p.epId))
          .flatMap((p) => attributes.map((a) => valueKey(p.epId, a.key)));
      const { found, unreadable } = recorded
        ? { found: recorded, unreadable: [] }
        : await readEach(
            'additionalAttributes',
            readable(),
            async (key) => {
              const [employeeKey, attributeKey] = key.split('/') as [string, string];
              const found = await ctx.workplace.attributeValues.get(employeeKey, attributeKey, { signal: ctx.signal });
              return found?.fieldData ? { fieldData: found.fieldData } : undefined;
            },
            ctx,
          );
      // Both hold wanted keys only: the record is read so, and the reads ask for no others.
      const currentValues = found;
      const unreadableKeys = new Set(unreadable.map((u) => u.key));
      // Made in key order as the plan is written: 300,000 values at 100k employees are never held. A value's
      // key is `epId/attribute`, so people sorted by `epId/`, then attributes by key, are in key order.
      const dependencies = new Dependencies();
      const inKeyOrder = [...inScope].sort((a, b) => compareKeys(`${a.epId}/`, `${b.epId}/`));
      const byKey = [...attributes].sort((a, b) => compareKeys(a.key, b.key));
      const desiredValues = function* (): Generator<[string, DesiredEntry<Value>]> {
        for (const person of inKeyOrder)
          for (const { key, entry } of desiredValuesOf(person, byKey, dependencies))
            if (entry && !unreadableKeys.has(key)) yield [key, entry];
      };
      const values = orderedDelta(desiredValues(), currentValues, { fields: ['fieldData'], protect: unreadableKeys });

      for (const item of definitions.items) item.wave = item.op === 'delete' ? 2 : 0;
      return {
        items: definitions.items,
        made: madeWave(1, values),
        unchanged: definitions.unchanged,
        sourceCount: definitions.desiredCount,
        targetCount: currentDefinitions.size + currentValues.size,
        invalid: [...target.outcomes, ...unreadable],
        current: currentValues,
        drift: [target.drift],
      };
    },

    apply(client, op, item, signal) {
      if (!isValueKey(item.key)) {
        if (op === 'delete') return client.attributeDefinitions.remove(item.key, { signal });
        return client.attributeDefinitions[op](item.key, item.body as AttributeDefinitionBody, { signal });
      }
      const [employeeKey, attributeKey] = item.key.split('/') as [string, string];
      if (op === 'delete') return client.attributeValues.remove(employeeKey, attributeKey, { signal });
      return client.attributeValues[op](employeeKey, attributeKey, item.body as Value, { signal });
    },

    rollback: {
      async current(ctx, keys) {
        const byName = new Map(ctx.settings.additionalAttributes.map((a) => [a.name, a.key]));
        const definitions = await listedTarget(
          'additionalAttributes',
          ctx.workplace.attributeDefinitions,
          ctx.signal,
          (d: AttributeDefinition) => d.externalKey ?? byName.get(d.name),
        );
        const values = await recordedCurrent<Value>(ctx, keys.filter(isValueKey), async (key) => {
          const [employeeKey, attributeKey] = key.split('/') as [string, string];
          const found = await ctx.workplace.attributeValues.get(employeeKey, attributeKey, { signal: ctx.signal });
          return found?.fieldData ? { fieldData: found.fieldData } : undefined;
        });
        return { now: new Map([...definitions.current, ...values.now]), ...(values.record ? { record: values.record } : {}) };
      },
      fields: (key) => (isValueKey(key) ? ['fieldData'] : ['fieldType', 'name', 'i18nNames', 'searchDispYn']),
      goneWith: ({ key, before }) =>
        Object.entries(goneWithOf(before)?.values ?? {}).map(([attribute, value]) => ({ key: valueKey(key, attribute), before: value })),
      // A definition's list shows neither userMod nor every item key: what it was cannot be put back exactly.
      restore: (key, before) => {
        const fieldData = isValueKey(key) ? (before as Partial<Value> | undefined)?.fieldData : undefined;
        return fieldData ? { fieldData } : undefined;
      },
      // Values go before the definitions they belong to.
      place: (items) =>
        items.map((item) =>
          item.op === 'delete'
            ? { ...item, pass: 'followUp', wave: isValueKey(item.key) ? 0 : 1 }
            : { ...item, wave: isValueKey(item.key) ? 1 : 0 },
        ),
    },
  },
);

function definitionBody(a: AdditionalAttribute): AttributeDefinitionBody {
  return {
    fieldType: a.fieldType,
    name: a.name,
    i18nNames: a.i18nNames,
    searchDispYn: a.searchDispYn,
    userDispYn: a.userDispYn,
    userMod: a.userMod,
    ...(a.fieldType === 'SELECT'
      ? {
          attrItemList: a.items.map((item, order) => ({
            externalKey: item.key,
            itemName: item.name,
            i18nItemNames: item.i18nNames,
            fieldTypeItemOrd: order,
          })),
        }
      : {}),
  };
}

/** The fields WORKPLACE's list returns faithfully (it shows `userModYn`, not `userMod`, and may omit item keys). */
function comparable(d: {
  name: string;
  fieldType?: string;
  i18nNames?: unknown;
  searchDispYn?: string;
  attrItemList?: readonly { itemName?: string; i18nItemNames?: unknown; fieldTypeItemOrd?: number }[];
}) {
  return {
    name: d.name,
    fieldType: d.fieldType,
    i18nNames: d.i18nNames,
    searchDispYn: d.searchDispYn,
    attrItemList: d.attrItemList?.map((i) => ({
      itemName: i.itemName,
      i18nItemNames: i.i18nItemNames,
      fieldTypeItemOrd: i.fieldTypeItemOrd,
    })),
  };
}

/** One employee's value of each configured attribute, as plan entries (none where Knox has no value: it is cleared). */
export function desiredValuesOf(
  person: KnoxEmployee,
  attributes: readonly AdditionalAttribute[],
  dependencies = new Dependencies(),
): { key: string; entry?: DesiredEntry<Value> }[] {
  // One object for the employee, shared by their values; one per attribute definition, shared by everyone's.
  const employee: Dependency = { stage: 'employees', key: person.epId, role: 'employee' };
  return attributes.map((attribute) => {
    const key = valueKey(person.epId, attribute.key);
    const fieldData = valueOf(person, attribute);
    if (fieldData === undefined) return { key };
    return {
      key,
      entry: {
        label: `${person.fullName} · ${attribute.name}`,
        value: { fieldData },
        dependsOn: [employee, dependencies.of('additionalAttributes', attribute.key, 'attribute definition')],
      },
    };
  });
}

/** The Knox value in WORKPLACE's format for the field type; undefined when Knox has none (the value is cleared). */
export function valueOf(person: KnoxEmployee, attribute: AdditionalAttribute): string | undefined {
  const raw = (person as Record<string, unknown>)[attribute.source];
  const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  if (!text) return undefined;
  switch (attribute.fieldType) {
    case 'INPUT':
      return text;
    case 'YESNO':
      return /^[YT]$/i.test(text) ? 'Y' : /^[NF]$/i.test(text) ? 'N' : undefined;
    case 'DATE': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
      return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
    }
    case 'SELECT':
      return attribute.items.find((item) => item.value === text)?.key;
  }
}
