// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { fluxPullOutput } from "./main.ts";

test("pull --output DIR is the directory; --output json and -o stay the format; other commands untouched", () => {
  const cases: [string[], string[]][] = [
    [
      ["pull", "u", "--output", "dir"],
      ["pull", "u", "--output-dir", "dir"],
    ],
    [
      ["pull", "u", "--output=dir"],
      ["pull", "u", "--output-dir=dir"],
    ],
    [
      ["pull", "u", "--output", "json", "--output-dir", "d"],
      ["pull", "u", "--output", "json", "--output-dir", "d"],
    ],
    [
      ["--output", "json", "pull", "u", "-o", "d"],
      ["--output", "json", "pull", "u", "-o", "d"],
    ],
    [
      ["tags", "--output", "json", "u"],
      ["tags", "--output", "json", "u"],
    ],
  ];
  for (const [argv, want] of cases) assert.deepEqual(fluxPullOutput(argv), want, argv.join(" "));
});
