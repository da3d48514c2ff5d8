/**
 * A start-up failure a person fixes in the configuration or around the process (a wrong token, an
 * address nothing answers at, a port in use): its message is one plain sentence naming the variable,
 * which main prints as it prints a ConfigError.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The system code of a network failure (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…), looked for in the
 * error and what it wraps: grammY's HttpError keeps the cause in `error`, fetch and the MongoDB driver
 * in `cause`. Only the code is taken: the libraries' messages may carry the address with a token in it.
 */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    if (name === 'AbortError' || name === 'TimeoutError') return 'ETIMEDOUT';
    current = (current as { error?: unknown }).error ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A database address without the user and password in it, nor its options, fit for a message. */
export function withoutCredentials(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1').replace(/\?.*$/, '');
}

/** What listening on a port failed of, named by the variable that chose the port. */
export function listenFailure(error: unknown, where: { variable: string; host: string; port: number }): StartupError | undefined {
  const code = networkErrorCode(error);
  const at = `${where.host}:${where.port}`;
  if (code === 'EADDRINUSE')
    return new StartupError(`${where.variable}: port ${where.port} is already in use on ${where.host}; stop what listens there or choose another port`);
  if (code === 'EACCES') return new StartupError(`${where.variable}: this process may not listen on ${at}; choose a port above 1024`);
  if (code === 'EADDRNOTAVAIL') return new StartupError(`${where.variable}: ${where.host} is not an address of this machine`);
  return undefined;
}
