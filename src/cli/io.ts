// SPDX-License-Identifier: Apache-2.0
import type { Readable } from "node:stream";
import type { Logger } from "../core/index.ts";

/** What a command may touch of the outside world; `main.ts` builds the real one, tests a recording one. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homedir: string;
  /** Standard input, read for `-f -`; without it `-f -` is an error. */
  readonly stdin?: Readable;
}

/** Output formats every command supports (`-o`). */
export type OutputFormat = "text" | "json";

/** Flags shared by every command (DESIGN.md §6). */
export interface GlobalFlags {
  readonly output: OutputFormat;
  readonly plainHttp: boolean;
  readonly creds?: string;
  readonly dockerConfig?: string;
  readonly timeoutMs?: number;
  readonly verbose: boolean;
}

/** Everything a command runs with. */
export interface CommandContext {
  readonly io: CliIo;
  readonly flags: GlobalFlags;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** Writes a value as JSON on stdout (data goes to stdout, humans read stderr). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
