// SPDX-License-Identifier: Apache-2.0
// Free loopback ports for test services. Other processes share the machine (STYLE.md §8), so a port
// obtained here can still be taken before the service binds it: callers retry on "address in use".
import { createServer } from "node:net";

/** The loopback address every test service listens on. */
export const LOOPBACK = "127.0.0.1";

/** Asks the kernel for a free TCP port on 127.0.0.1 by listening on port 0, then releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close((err) => {
        if (err !== undefined) reject(err);
        else if (port === 0) reject(new Error("freePort: the kernel returned no port"));
        else resolve(port);
      });
    });
  });
}
