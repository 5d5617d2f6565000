/** Rules about keys that every backend applies alike. */

/** Keys are relative paths without empty or `..` parts. */
export function checkKey(key: string): string {
  if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`bad store key: ${key}`);
  return key;
}

/** The one prefix whose keys are rewritten (state/<stage>.json, by finishStage); every other key is written once. */
const REWRITTEN_PREFIX = 'state/';

export const isRewritten = (key: string): boolean => key.startsWith(REWRITTEN_PREFIX);
