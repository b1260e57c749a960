// SPDX-License-Identifier: Apache-2.0
// Starts a test registry for benchmarks and manual work, prints its connection info as one JSON line on
// stdout, and keeps it running until SIGINT/SIGTERM, then cleans up.
//   node scripts/registry/main.ts start --auth anonymous|basic|token [--fault-proxy] [--username U] [--password P]
import { parseArgs } from "node:util";
import { startFaultProxy } from "../../test/support/fault-proxy.ts";
import type { FaultProxy } from "../../test/support/fault-proxy.ts";
import { startRegistry } from "../../test/support/registry.ts";
import type { RegistryAuth } from "../../test/support/registry.ts";

const USAGE =
  "usage: node scripts/registry/main.ts start [--auth anonymous|basic|token] [--fault-proxy] [--username U] [--password P]";
const AUTH_MODES: readonly string[] = ["anonymous", "basic", "token"];

function isAuth(value: string): value is RegistryAuth {
  return AUTH_MODES.includes(value);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      auth: { type: "string", default: "anonymous" },
      username: { type: "string" },
      password: { type: "string" },
      "fault-proxy": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length !== 1 || positionals[0] !== "start" || !isAuth(values.auth)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const reg = await startRegistry({
    auth: values.auth,
    ...(values.username === undefined ? {} : { username: values.username }),
    ...(values.password === undefined ? {} : { password: values.password }),
  });
  let proxy: FaultProxy | undefined;
  try {
    if (values["fault-proxy"]) proxy = await startFaultProxy(reg);
  } catch (err) {
    await reg.stop();
    throw err;
  }
  const info = {
    auth: reg.auth,
    host: reg.host,
    url: reg.url,
    username: reg.username,
    password: reg.password,
    readerUsername: reg.readerUsername,
    readerPassword: reg.readerPassword,
    realm: reg.realm,
    service: reg.service,
    identityToken: reg.identityToken,
    dataDir: reg.dataDir,
    configPath: reg.configPath,
    pid: process.pid,
    proxy: proxy === undefined ? undefined : { host: proxy.host, url: proxy.url },
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stderr.write(`registry: ${signal}, stopping\n`);
  await proxy?.stop();
  await reg.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`registry: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
