// SPDX-License-Identifier: Apache-2.0
// `-f -`: manifests from standard input, as kubectl reads them.
import type { Readable } from "node:stream";
import { ConfigError, STDIN_PATH, type StdinReader } from "../core/index.ts";
import type { CliIo } from "./io.ts";

/**
 * Reads a stream as UTF-8 text, failing as soon as more than `maxBytes` have arrived: reading stops at the chunk
 * that crosses the cap (the stream is destroyed), so at most one chunk past it is read and at most `maxBytes` kept.
 */
export async function readCapped(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    total += bytes.length;
    if (total > maxBytes)
      throw new ConfigError({ code: "INVALID_ARGUMENT", message: `input is larger than ${maxBytes} bytes` });
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

/**
 * The `stdin` option of the manifest readers for these `-f` values: a capped reader of `io.stdin` when `-` is
 * among them and `io` has a standard input. `-` given more than once is a usage error.
 */
export function stdinOption(io: CliIo, files: readonly string[]): { stdin?: StdinReader } {
  const n = files.filter((f) => f === STDIN_PATH).length;
  if (n > 1)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "-f - (standard input) can be given only once",
    });
  const stream = io.stdin;
  if (n === 0 || stream === undefined) return {};
  return { stdin: (maxBytes) => readCapped(stream, maxBytes) };
}
