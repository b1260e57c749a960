// SPDX-License-Identifier: Apache-2.0
import { Command, CommanderError, Option } from "commander";
import { parseDuration } from "./duration.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CliIo, CommandContext, GlobalFlags, OutputFormat } from "./io.ts";

/** Runs one command; the context is built from the parsed global flags. */
type Runner = (ctx: CommandContext) => Promise<number>;

interface RawGlobals {
  output: OutputFormat;
  plainHttp?: boolean;
  creds?: string;
  dockerConfig?: string;
  timeout?: string;
  verbose?: boolean;
}

/** Turns parsed global options into typed, validated flags. */
function globalsOf(raw: RawGlobals): GlobalFlags {
  return {
    output: raw.output,
    plainHttp: raw.plainHttp === true,
    verbose: raw.verbose === true,
    ...(raw.creds === undefined ? {} : { creds: raw.creds }),
    ...(raw.dockerConfig === undefined ? {} : { dockerConfig: raw.dockerConfig }),
    ...(raw.timeout === undefined ? {} : { timeoutMs: parseDuration(raw.timeout, "--timeout") }),
  };
}

/**
 * Builds the command tree; `run` receives the chosen command's runner and its flags. Command modules are
 * imported when their command runs, so start-up loads only what the command needs.
 */
export function buildProgram(io: CliIo, run: (flags: GlobalFlags, runner: Runner) => Promise<number>): { program: Command; result: () => number } {
  let code: number = ExitCode.ok;
  const program = new Command()
    .name("ocisync")
    .description("Deliver Kubernetes apps from OCI registries, Flux-compatible.")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--plain-http", "talk plain HTTP to the registry")
    .option("--creds <user:password>", "registry credentials (else docker config)")
    .option("--docker-config <dir>", "directory of docker's config.json (default $DOCKER_CONFIG or ~/.docker)")
    .option("--timeout <duration>", "give up after this long, e.g. 30s or 2m")
    .option("--verbose", "log requests and retries on stderr");

  const action = (make: (cmd: Command) => Runner) => async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const flags = globalsOf(cmd.optsWithGlobals<RawGlobals>());
    code = await run(flags, make(cmd));
  };

  program
    .command("tags")
    .description("list the tags of a repository or OCI image layout")
    .argument("<url>", "oci://REGISTRY/REPO, REGISTRY/REPO or oci-layout://DIR")
    .action(action((cmd) => async (ctx) => (await import("./commands/tags.ts")).runTags(String(cmd.args[0]), ctx)));

  program
    .command("resolve")
    .description("pick the tag Flux's OCIRepository would pick and print its revision")
    .argument("<url>", "oci://REGISTRY/REPO[:TAG|@DIGEST] or oci-layout://DIR[:TAG|@DIGEST]")
    .option("--tag <tag>", "a tag (spec.ref.tag)")
    .option("--semver <range>", "a Masterminds semver range (spec.ref.semver)")
    .option("--semver-filter <regex>", "only tags matching this RE2 expression (spec.ref.semverFilter)")
    .option("--digest <digest>", "a digest (spec.ref.digest)")
    .option("--explain", "list every tag and why it was or was not selected")
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{ tag?: string; semver?: string; semverFilter?: string; digest?: string; explain?: boolean }>();
        const { runResolve } = await import("./commands/resolve.ts");
        return runResolve(String(cmd.args[0]), { ...o, explain: o.explain === true }, ctx);
      }),
    );

  return { program, result: () => code };
}

/** True for commander's own exits (help, version, usage errors); their exit code is commander's. */
export function isCommanderExit(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}
