#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Runs the CLI from its TypeScript sources (Node >= 22.18 strips types natively).
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
