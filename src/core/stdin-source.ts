// SPDX-License-Identifier: Apache-2.0
/** `-f -`: the path that stands for standard input, shared by the manifest readers of apply and the controller. */

/** The `-f` argument that stands for standard input. */
export const STDIN_PATH = "-";
/** The name messages give standard input. */
export const STDIN_SOURCE = "<stdin>";

/**
 * Reads standard input, given the largest size accepted; it should fail once more than that has arrived rather
 * than buffer it all.
 */
export type StdinReader = (maxBytes: number) => Promise<string>;

/** Why the `-` among `paths` cannot be read (given twice, or no reader), or undefined when it can or is absent. */
export function stdinPathProblem(
  paths: readonly string[],
  reader: StdinReader | undefined,
): string | undefined {
  const n = paths.filter((p) => p === STDIN_PATH).length;
  if (n === 0) return undefined;
  if (n > 1) return "standard input (-f -) can be read only once";
  return reader === undefined ? "standard input (-f -) is not available here" : undefined;
}

/** Standard input through `reader`, or undefined when it returned more than `maxBytes` all the same. */
export async function readStdinText(reader: StdinReader, maxBytes: number): Promise<string | undefined> {
  const text = await reader(maxBytes);
  return Buffer.byteLength(text, "utf8") > maxBytes ? undefined : text;
}
