// SPDX-License-Identifier: Apache-2.0
import { homedir } from "node:os";
import { formatDuration, isCdError, NOOP_LOGGER, type Logger, type LogFields } from "../core/index.ts";
import { ExitCode, exitCodeOf } from "./exit-codes.ts";
import type { CliIo, GlobalFlags } from "./io.ts";
import { buildProgram, isCommanderExit } from "./program.ts";

/** A logger that writes one line per event to stderr (used with `--verbose`). */
function stderrLogger(io: CliIo, base: LogFields = {}): Logger {
  const line = (level: string) => (msg: string, fields?: LogFields) => {
    const all = { ...base, ...fields };
    const kv = Object.entries(all).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    io.stderr.write(`${level} ${msg}${kv.length ? ` ${kv.join(" ")}` : ""}\n`);
  };
  return {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    child: (f) => stderrLogger(io, { ...base, ...f }),
  };
}

function realIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    // A getter: `process.stdin` opens the stream on first use, which only `-f -` needs.
    get stdin() {
      return process.stdin;
    },
  };
}

/** Prints an error for humans on stderr: message and stable code, never a stack unless asked. */
function report(io: CliIo, err: unknown, flags: GlobalFlags | undefined): number {
  const timedOut =
    flags?.timeoutMs !== undefined && err instanceof DOMException && err.name === "TimeoutError";
  if (timedOut) {
    io.stderr.write(
      `error: timeout: the command did not finish within ${formatDuration(flags.timeoutMs ?? 0)} [TIMEOUT]\n`,
    );
    return ExitCode.failure;
  }
  if (isCdError(err)) {
    io.stderr.write(`error: ${err.message} [${err.code}]\n`);
    if (flags?.verbose === true && err.cause instanceof Error)
      io.stderr.write(`cause: ${err.cause.message}\n`);
    return exitCodeOf(err);
  }
  io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (flags?.verbose === true && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return ExitCode.failure;
}

const FORMATS = new Set(["text", "json"]);

/**
 * `ocisync pull URL --output DIR` is Flux's flag (`flux pull artifact --output`), but `--output` is also the global
 * format flag. After `pull`, a `--output` whose value is not a format is read as `--output-dir` (`-o` stays the format).
 */
export function fluxPullOutput(argv: readonly string[]): string[] {
  const at = argv.indexOf("pull");
  if (at < 0) return [...argv];
  return argv.flatMap((a, i) => {
    if (i <= at) return [a];
    if (a === "--output" && !FORMATS.has(argv[i + 1] ?? "")) return ["--output-dir"];
    if (a.startsWith("--output=") && !FORMATS.has(a.slice("--output=".length)))
      return [`--output-dir=${a.slice("--output=".length)}`];
    return [a];
  });
}

/** The CLI entry point: parses `argv`, runs one command, returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = realIo()): Promise<number> {
  let flags: GlobalFlags | undefined;
  const { program, result } = buildProgram(io, async (f, runner) => {
    flags = f;
    const signals = [f.timeoutMs === undefined ? undefined : AbortSignal.timeout(f.timeoutMs)].filter(
      (s) => s !== undefined,
    );
    const signal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
    const logger = f.verbose ? stderrLogger(io) : NOOP_LOGGER;
    return runner({ io, flags: f, logger, signal });
  });
  try {
    await program.parseAsync(fluxPullOutput(argv), { from: "user" });
    return result();
  } catch (err) {
    if (isCommanderExit(err)) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    return report(io, err, flags);
  }
}
