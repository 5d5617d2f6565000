/** A real HTTP server on a loopback port (0 = any free one), for the simulators: listen, and close for good. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts listening and resolves with the server's base URL. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
}

/** Closes the server and every open connection (keep-alive clients would otherwise hold it open). */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A simulator's server: listens, and resolves with its base URL and a close() that first aborts `closing`
 * (so answers an injected latency holds back end at once), then closes the server for good.
 */
export async function serve(
  server: Server,
  options: { port?: number | undefined; host?: string | undefined },
  closing: AbortController,
): Promise<{ url: string; close: () => Promise<void> }> {
  const url = await listen(server, options.port, options.host);
  const close = async () => {
    closing.abort();
    await closeServer(server);
  };
  return { url, close };
}
