/**
 * The search attributes orgsync sets on its runs, so the Temporal UI and `temporal workflow list --query`
 * can filter them. Registered by the dev-server launcher (--search-attribute) and by the worker at start.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** running | paused | awaiting-approval | completed | failed | cancelled */
export const OrgSyncState = defineSearchAttributeKey('OrgSyncState', SearchAttributeType.KEYWORD);
/** The stage the run is in (or ended in). */
export const OrgSyncStage = defineSearchAttributeKey('OrgSyncStage', SearchAttributeType.KEYWORD);
/** Whether any item failed or was skipped. */
export const OrgSyncHasFailures = defineSearchAttributeKey('OrgSyncHasFailures', SearchAttributeType.BOOL);
export const OrgSyncDryRun = defineSearchAttributeKey('OrgSyncDryRun', SearchAttributeType.BOOL);

export const ORGSYNC_SEARCH_ATTRIBUTES = [OrgSyncState, OrgSyncStage, OrgSyncHasFailures, OrgSyncDryRun] as const;
