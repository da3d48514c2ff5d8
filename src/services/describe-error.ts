/** Whether an error means the database cannot be reached now (as opposed to a bug or bad data). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|PoolCleared|TopologyClosed|ClientClosed)Error$/.test(error.name) ||
    error.name === 'MongooseServerSelectionError' ||
    /buffering timed out/.test(error.message)
  );
}

// Errors whose messages may quote the offending value, which can be a phone or an address.
const VALUE_QUOTING_ERRORS = new Set(['ValidationError', 'CastError', 'ZodError', 'ValidatorError']);

/**
 * An error as it may be logged: its class (as `type`, like pino's error serializer: the logger redacts
 * every `name`, which is a person's elsewhere), code and, unless it could quote personal data, its
 * message and stack.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown; error_code?: unknown }).error_code ?? (error as { code?: unknown }).code;
  if (VALUE_QUOTING_ERRORS.has(error.name)) return { type: error.name, ...(code !== undefined ? { code } : {}) };
  return { type: error.name, message: error.message, ...(code !== undefined ? { code } : {}), stack: error.stack };
}
