// SPDX-License-Identifier: Apache-2.0
// npm run -s peers -- path NAME   prints the absolute path of a built peer (building it first if needed)
// npm run -s peers -- build [NAME…] builds the peers the cache lacks (all by default)
// npm run -s peers -- list         prints each peer, its pin and whether it is built
// Progress goes to stderr; stdout carries only the answer.
import { buildAll, ensurePeer, isBuilt, loadPins, peerBinary } from "./peers.ts";

const USAGE = "usage: peers path NAME | peers build [NAME...] | peers list";

async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "path": {
      const name = rest[0];
      if (name === undefined || rest.length !== 1) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      process.stdout.write(`${await ensurePeer(name)}\n`);
      return 0;
    }
    case "build": {
      if (rest.length === 0) await buildAll();
      else for (const name of rest) await ensurePeer(name);
      return 0;
    }
    case "list": {
      for (const [name, pin] of Object.entries(loadPins())) {
        const state = (await isBuilt(name)) ? peerBinary(name, pin) : "(not built)";
        process.stdout.write(`${name}\t${pin.module}@${pin.version}\t${state}\n`);
      }
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`peers: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
