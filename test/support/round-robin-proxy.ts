/**
 * A loopback reverse proxy in front of bot replicas, as a load balancer behaves: each request
 * goes to the next upstream in turn (or to the one named by the `x-route-to` header, which the
 * tests use to send a redelivery to the other replica); an upstream that refuses the connection
 * is skipped for the next one, and one that dies with the request in flight gets the client a
 * 502, so the sender (Telegram) delivers again. Counts the requests in flight per upstream.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface RoundRobinProxy {
  url: string;
  /** Upstream ports by index; set one to point the proxy at a restarted replica. */
  upstreams: (number | undefined)[];
  /** Requests forwarded and not answered yet, per upstream. */
  inFlight: number[];
  /** Requests answered by each upstream. */
  served: number[];
  close(): Promise<void>;
}

/** The header a response carries: which upstream answered. */
export const UPSTREAM_HEADER = 'x-upstream';
/** A request header naming the upstream to try first. */
export const ROUTE_HEADER = 'x-route-to';

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRoundRobinProxy(
  upstreams: (number | undefined)[],
): Promise<RoundRobinProxy> {
  let next = 0;
  const inFlight = upstreams.map(() => 0);
  const served = upstreams.map(() => 0);

  const forward = (
    index: number,
    req: IncomingMessage,
    payload: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer } | 'refused'> =>
    new Promise((resolve, reject) => {
      const port = upstreams[index];
      if (port === undefined) {
        resolve('refused');
        return;
      }
      inFlight[index] = (inFlight[index] ?? 0) + 1;
      const done = () => (inFlight[index] = (inFlight[index] ?? 1) - 1);
      const headers = { ...req.headers };
      delete headers[ROUTE_HEADER];
      const upstream = request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: false },
        (res) => {
          void body(res).then(
            (data) => {
              done();
              served[index] = (served[index] ?? 0) + 1;
              resolve({ status: res.statusCode ?? 502, headers: {}, body: data });
            },
            (error: unknown) => {
              done();
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        done();
        if (error.code === 'ECONNREFUSED') resolve('refused');
        else reject(error);
      });
      upstream.end(payload);
    });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const routed = Number(req.headers[ROUTE_HEADER]);
      const first = Number.isInteger(routed) ? routed : next++ % upstreams.length;
      for (let step = 0; step < upstreams.length; step++) {
        const index = (first + step) % upstreams.length;
        try {
          const answer = await forward(index, req, payload);
          if (answer === 'refused') continue;
          res.writeHead(answer.status, { [UPSTREAM_HEADER]: String(index) }).end(answer.body);
        } catch {
          // The upstream died with the request: the sender must deliver it again.
          res.writeHead(502, { [UPSTREAM_HEADER]: String(index) }).end();
        }
        return;
      }
      res.writeHead(502).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    upstreams,
    inFlight,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
