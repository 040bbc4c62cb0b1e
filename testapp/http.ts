/**
 * A tiny JSON-over-HTTP toolkit on node:http, enough for the example server: a router with `:param`
 * segments, lazily parsed JSON bodies, JSON replies, and HttpError for answers that end a request early.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface Request {
  method: string;
  path: string;
  /** The `:name` segments of the route. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body: 400 when it is not JSON, 413 when it is larger than 1 MiB. */
  json(): Promise<unknown>;
}

export interface Reply {
  status: number;
  /** Sent as JSON; none for undefined (e.g. 204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: Request) => Promise<Reply> | Reply;

export function reply(status: number, body?: unknown): Reply {
  return { status, body };
}

/** Thrown by a handler (or the router) to answer with `status` and `{ error: message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toReply(): Reply {
    return { status: this.status, body: { error: this.message }, headers: this.headers };
  }
}

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

const MAX_BODY_BYTES = 1 << 20;

export class Router {
  private readonly routes: Route[] = [];

  get(path: string, handler: Handler): this {
    return this.add('GET', path, handler);
  }
  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler);
  }
  patch(path: string, handler: Handler): this {
    return this.add('PATCH', path, handler);
  }
  delete(path: string, handler: Handler): this {
    return this.add('DELETE', path, handler);
  }

  /** `path` is literal except `:name` segments, which match one path segment. */
  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, path, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** `GET /pizzas/:id`, … in declaration order (the index page lists them). */
  describe(): string[] {
    return this.routes.map((route) => `${route.method} ${route.path}`);
  }

  /** The handler and parameters for a request; 404 for an unknown path, 405 for a known path and another method. */
  resolve(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
      return { handler: route.handler, params };
    }
    if (allowed.length) throw new HttpError(405, `${method} is not allowed on ${path}.`, { allow: allowed.join(', ') });
    throw new HttpError(404, `Nothing at ${path}.`);
  }

  /**
   * The request listener for `http.createServer`. Errors a handler throws become replies: HttpError as it
   * says, anything else through `replyToError` (which maps the application's own errors).
   */
  listener(replyToError: (error: unknown) => Reply): RequestListener {
    return (request, response) => {
      void this.respond(request, response, replyToError);
    };
  }

  private async respond(incoming: IncomingMessage, response: ServerResponse, replyToError: (error: unknown) => Reply): Promise<void> {
    let result: Reply;
    try {
      const method = incoming.method ?? 'GET';
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const { handler, params } = this.resolve(method, url.pathname);
      let body: Promise<unknown> | undefined;
      result = await handler({ method, path: url.pathname, params, query: url.searchParams, json: () => (body ??= readJson(incoming)) });
    } catch (error) {
      if (error instanceof URIError) result = reply(400, { error: 'Malformed URL.' });
      else result = error instanceof HttpError ? error.toReply() : replyToError(error);
    }
    try {
      send(response, result);
    } catch (error) {
      send(response, replyToError(error)); // a body JSON cannot encode: nothing was written yet
    }
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'The request body is larger than 1 MiB.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function send(response: ServerResponse, { status, body, headers = {} }: Reply): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(payload ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...headers,
  });
  response.end(payload);
}
