// SPDX-License-Identifier: Apache-2.0
/** The command-line interface as a library: `main(argv, io)` runs one command and returns its exit code. */
export { main } from "./main.ts";
export { ExitCode } from "./exit-codes.ts";
export type { CliIo } from "./io.ts";
