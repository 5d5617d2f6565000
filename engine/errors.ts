/**
 * Errors the engine raises itself (not Knox's or WORKPLACE's), with a stable code and their
 * retryability, so the activity boundary (activities/failures.ts) maps them like the clients' errors
 * and the engine needs no Temporal import.
 */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
