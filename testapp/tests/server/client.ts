/** Shared by the server tests: start the example server in this process and talk to it over real HTTP. */
import { startServer, type RunningServer, type ServerOptions } from '../../server';

/** Pool workers compile their TypeScript on a first start (then cache it): that start can take a while on a busy machine. */
export const START_TIMEOUT = 120_000;

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface Client {
  server: RunningServer;
  get(path: string): Promise<Answer>;
  post(path: string, body?: unknown): Promise<Answer>;
  patch(path: string, body?: unknown): Promise<Answer>;
  delete(path: string): Promise<Answer>;
  /** Any method; a string body is sent as it is (for malformed JSON). */
  send(method: string, path: string, body?: unknown): Promise<Answer>;
}

/** An in-memory database on an ephemeral loopback port. */
export async function startClient(options: Partial<ServerOptions> = {}): Promise<Client> {
  const server = await startServer({ database: ':memory:', port: 0, host: '127.0.0.1', workers: 2, ...options });
  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(server.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    server,
    send,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    patch: (path, body) => send('PATCH', path, body),
    delete: (path) => send('DELETE', path),
  };
}
