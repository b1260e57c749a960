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

/** Accumulates a repeatable option's values. */
const collect = (v: string, prev: string[]): string[] => [...prev, v];

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
export function buildProgram(
  io: CliIo,
  run: (flags: GlobalFlags, runner: Runner) => Promise<number>,
): { program: Command; result: () => number } {
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
    .option(
      "--docker-config <dir>",
      "directory of docker's config.json (default $DOCKER_CONFIG or ~/.docker)",
    )
    .option("--timeout <duration>", "give up after this long, e.g. 30s or 2m")
    .option("--verbose", "log requests and retries on stderr");

  const action =
    (make: (cmd: Command) => Runner) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const flags = globalsOf(cmd.optsWithGlobals<RawGlobals>());
      code = await run(flags, make(cmd));
    };

  program
    .command("tags")
    .description("list the tags of a repository or OCI image layout")
    .argument("<url>", "oci://REGISTRY/REPO, REGISTRY/REPO or oci-layout://DIR")
    .action(
      action((cmd) => async (ctx) => (await import("./commands/tags.ts")).runTags(String(cmd.args[0]), ctx)),
    );

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
        const o = cmd.opts<{
          tag?: string;
          semver?: string;
          semverFilter?: string;
          digest?: string;
          explain?: boolean;
        }>();
        const { runResolve } = await import("./commands/resolve.ts");
        return runResolve(String(cmd.args[0]), { ...o, explain: o.explain === true }, ctx);
      }),
    );

  // --- signatures (issue 6): verify, sign, generate-key-pair, trusted-root ---
  program
    .command("verify")
    .description(
      "verify an artifact's cosign signature (bundle referrer or legacy .sig), keyed or keyless; exit 3 when rejected",
    )
    .argument("<url>", "oci://REGISTRY/REPO[:TAG|@DIGEST] or oci-layout://DIR[:TAG|@DIGEST]")
    .option("--key <file>", "PEM public key; repeat for several (any one verifying is enough)", collect, [])
    .option(
      "--certificate-identity-regexp <re>",
      "keyless: subject (SAN) regex, unanchored; repeatable",
      collect,
      [],
    )
    .option(
      "--certificate-oidc-issuer-regexp <re>",
      "keyless: OIDC issuer regex, unanchored; one, or one per identity",
      collect,
      [],
    )
    .option("--trusted-root <file>", "trusted_root.json replacing the shipped public-good root")
    .option(
      "--require-tlog",
      "with --key: also require a verified Rekor entry (cosign CLI; Flux ignores the log for keys)",
    )
    .option(
      "--certificate-chain <file>",
      "keyless with your own CA: PEM intermediates + root replacing the trusted root's CAs",
    )
    .option(
      "--insecure-ignore-tlog",
      "keyless without a log: no Rekor entry, SCT or signing time; the certificate must be valid now",
    )
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          key: string[];
          certificateIdentityRegexp: string[];
          certificateOidcIssuerRegexp: string[];
          trustedRoot?: string;
          requireTlog?: boolean;
          certificateChain?: string;
          insecureIgnoreTlog?: boolean;
        }>();
        const { runVerify } = await import("./commands/verify.ts");
        return runVerify(
          String(cmd.args[0]),
          { ...o, requireTlog: o.requireTlog === true, insecureIgnoreTlog: o.insecureIgnoreTlog === true },
          ctx,
        );
      }),
    );

  program
    .command("sign")
    .description("sign an artifact as cosign does (bundle referrer; --legacy for the .sig tag)")
    .argument("<url>", "oci://REGISTRY/REPO[:TAG|@DIGEST] or oci-layout://DIR[:TAG|@DIGEST]")
    .option("--key <file>", "private key: cosign encrypted (COSIGN_PASSWORD or prompt) or PEM")
    .option("--keyless", "sign with a Fulcio certificate for an OIDC identity, logged in Rekor")
    .option("--legacy", "write the legacy sha256-<hex>.sig format instead of a bundle referrer")
    .option("--fulcio-url <url>", "Fulcio (keyless)", "https://fulcio.sigstore.dev")
    .option("--rekor-url <url>", "Rekor (keyless)", "https://rekor.sigstore.dev")
    .option("--identity-token <token>", "OIDC token (keyless; default: the CI's ambient token)")
    .option(
      "--tlog-upload",
      "with --key: also log the signature in Rekor (--rekor-url), as cosign does by default",
    )
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          key?: string;
          keyless?: boolean;
          legacy?: boolean;
          fulcioUrl?: string;
          rekorUrl?: string;
          identityToken?: string;
          tlogUpload?: boolean;
        }>();
        const { runSign } = await import("./commands/sign.ts");
        return runSign(
          String(cmd.args[0]),
          { ...o, keyless: o.keyless === true, legacy: o.legacy === true, tlogUpload: o.tlogUpload === true },
          ctx,
        );
      }),
    );

  program
    .command("generate-key-pair")
    .description(
      "write a cosign-compatible key pair (cosign.key encrypted with COSIGN_PASSWORD or a prompt, cosign.pub)",
    )
    .option("--output-key-prefix <prefix>", "file name prefix", "cosign")
    .action(
      action((cmd) => async (ctx) => {
        const { runGenerateKeyPair } = await import("./commands/generate-key-pair.ts");
        return runGenerateKeyPair(cmd.opts<{ outputKeyPrefix: string }>(), ctx);
      }),
    );

  const trustedRoot = program
    .command("trusted-root")
    .description("the Sigstore trusted root used for keyless verification");
  trustedRoot
    .command("show")
    .description("summarise a trusted root (default: the shipped public-good snapshot)")
    .option("--trusted-root <file>", "a trusted_root.json")
    .action(
      action((cmd) => async (ctx) => {
        const { runTrustedRootShow } = await import("./commands/trusted-root.ts");
        return runTrustedRootShow(cmd.opts<{ trustedRoot?: string }>(), ctx);
      }),
    );
  trustedRoot
    .command("update")
    .description(
      "refresh the shipped public-good trusted root through TUF (or from --from FILE), validated first",
    )
    .option("--from <file>", "a trusted_root.json file instead of TUF (e.g. from cosign trusted-root create)")
    .option("--tuf-mirror <url>", "the TUF repository (default: the public-good one)")
    .option("--tuf-root <file>", "the trusted initial root.json of --tuf-mirror")
    .option("--output-file <file>", "write here instead of the shipped snapshot")
    .action(
      action((cmd) => async (ctx) => {
        const { runTrustedRootUpdate } = await import("./commands/trusted-root.ts");
        return runTrustedRootUpdate(
          cmd.opts<{ from?: string; tufMirror?: string; tufRoot?: string; outputFile?: string }>(),
          ctx,
        );
      }),
    );
  // --- end signatures ---

  // --- artifacts (issue 5): push, pull, tag, list, copy ---
  program
    .command("push")
    .description("pack a directory or file as a Flux artifact (flux push artifact) and push it")
    .argument("<path>", "directory or file to pack")
    .argument("<url>", "oci://REGISTRY/REPO:TAG or oci-layout://DIR:TAG")
    .option("--source <url>", "org.opencontainers.image.source (e.g. the Git URL)")
    .option("--revision <rev>", "org.opencontainers.image.revision (e.g. main@sha1:<commit>)")
    .option("--annotation <key=value>", "extra manifest annotation; repeatable", collect, [])
    .option(
      "--ignore-paths <globs>",
      "comma-separated ignore patterns (default: Flux's VCS and media-file patterns)",
    )
    .option("--no-sourceignore", "do not apply .sourceignore files found in the tree (exactly flux push)")
    .option("--reproducible", "pin created to 1970-01-01T00:00:00Z: the same directory gives the same digest")
    .option("--gzip <encoder>", "go (default: Go's exact bytes, the digest flux push gives) or zlib (faster)")
    .option("--sign-key <file>", "then sign it with this key, as ocisync sign --key")
    .option("--sign-keyless", "then sign it keyless (Fulcio + Rekor), as ocisync sign --keyless")
    .option("--sign-legacy", "write that signature in the legacy .sig format")
    .option("--fulcio-url <url>", "Fulcio (--sign-keyless)")
    .option("--rekor-url <url>", "Rekor (--sign-keyless)")
    .option("--identity-token <token>", "OIDC token (--sign-keyless; default: the CI's ambient token)")
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          source?: string;
          revision?: string;
          annotation: string[];
          ignorePaths?: string;
          sourceignore: boolean;
          reproducible?: boolean;
          gzip?: string;
          signKey?: string;
          signKeyless?: boolean;
          signLegacy?: boolean;
          fulcioUrl?: string;
          rekorUrl?: string;
          identityToken?: string;
        }>();
        const { runPush } = await import("./commands/push.ts");
        return runPush(
          String(cmd.args[0]),
          String(cmd.args[1]),
          { ...o, reproducible: o.reproducible === true },
          ctx,
        );
      }),
    );

  program
    .command("pull")
    .description("pull a Flux artifact by digest and extract it safely into a new directory")
    .argument("<url>", "oci://REGISTRY/REPO(:TAG|@DIGEST) or oci-layout://DIR(:TAG|@DIGEST)")
    // Not --output: the global -o/--output (format) is parsed after subcommands too and would take it.
    .requiredOption("--output-dir <dir>", "directory to create (absent or empty)")
    .option("--layer-media-type <type>", "take the first layer of this media type (default: the first layer)")
    .option("--layer-operation <op>", "extract (default) or copy (the layer as one file)")
    .option("--max-extracted-size <size>", "cap on extracted bytes, e.g. 512Mi or 2Gi (default 256Mi)")
    .option("--max-entries <n>", "cap on archive entries (default 20000)")
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          outputDir: string;
          layerMediaType?: string;
          layerOperation?: string;
          maxExtractedSize?: string;
          maxEntries?: string;
        }>();
        const { runPull } = await import("./commands/pull.ts");
        return runPull(String(cmd.args[0]), { ...o, output: o.outputDir }, ctx);
      }),
    );

  program
    .command("tag")
    .description("give an artifact more tags (flux tag artifact)")
    .argument("<url>", "oci://REGISTRY/REPO:TAG or oci-layout://DIR:TAG")
    .argument("<tags...>", "new tags")
    .action(
      action((cmd) => async (ctx) => {
        const { runTag } = await import("./commands/tag.ts");
        return runTag(String(cmd.args[0]), cmd.args.slice(1).map(String), ctx);
      }),
    );

  program
    .command("list")
    .description("list artifacts with digest, source and revision (flux list artifacts)")
    .argument("<url>", "oci://REGISTRY/REPO or oci-layout://DIR")
    .option("--semver <range>", "only tags in this Masterminds range, newest first")
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{ semver?: string }>();
        const { runList } = await import("./commands/list.ts");
        return runList(String(cmd.args[0]), o, ctx);
      }),
    );

  program
    .command("copy")
    .description("copy an artifact with its signatures and referrers between registries and OCI layouts")
    .argument("<src>", "oci://REGISTRY/REPO(:TAG|@DIGEST) or oci-layout://DIR(:TAG|@DIGEST)")
    .argument("<dst>", "oci://REGISTRY/REPO[:TAG] or oci-layout://DIR[:TAG]")
    .action(
      action((cmd) => async (ctx) => {
        const { runCopy } = await import("./commands/copy.ts");
        return runCopy(String(cmd.args[0]), String(cmd.args[1]), ctx);
      }),
    );

  program
    .command("build")
    .description("build a directory as Flux's kustomize-controller would and print the objects")
    .argument(
      "<path>",
      "the source root (an artifact's contents); a Kustomization's spec.path is relative to it",
    )
    .option(
      "-f, --file <kustomization.yaml>",
      "a Flux kustomize.toolkit.fluxcd.io/v1 Kustomization whose spec is applied",
    )
    .option("--path <dir>", "the directory to build inside <path> (overrides the Kustomization's spec.path)")
    .option(
      "--kustomize <path>",
      "the kustomize program (default $OCISYNC_KUSTOMIZE, else kustomize on PATH)",
    )
    .option(
      "--substitute-from <file>",
      "ConfigMaps/Secrets that spec.postBuild.substituteFrom reads (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      "--no-strict-substitution",
      "an undefined ${var} becomes empty instead of failing (Flux's feature gate off)",
    )
    .addOption(
      new Option(
        "--sort-order <order>",
        "fifo: resource order, as Flux; legacy: kubectl kustomize's kind order",
      )
        .choices(["fifo", "legacy"])
        .default("fifo"),
    )
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          file?: string;
          path?: string;
          kustomize?: string;
          substituteFrom: string[];
          strictSubstitution: boolean;
          sortOrder: "fifo" | "legacy";
        }>();
        const { runBuild } = await import("./commands/build.ts");
        return runBuild(String(cmd.args[0]), o, ctx);
      }),
    );

  // --- apply (issue 7): apply, diff ---
  interface RawKube {
    file: string[];
    kubeconfig?: string;
    context?: string;
    namespace?: string;
    fieldManager?: string;
    force?: boolean;
    inventory?: string;
    prune?: boolean;
    wait?: boolean;
  }
  const kubeFlags = (o: RawKube) => ({
    file: o.file,
    force: o.force === true,
    prune: o.prune === true,
    ...(o.kubeconfig === undefined ? {} : { kubeconfig: o.kubeconfig }),
    ...(o.context === undefined ? {} : { context: o.context }),
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.fieldManager === undefined ? {} : { fieldManager: o.fieldManager }),
    ...(o.inventory === undefined ? {} : { inventory: o.inventory }),
  });
  const kubeCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option(
        "-f, --file <path>",
        "manifest file or directory of YAML/JSON, or - for standard input; repeatable",
        collect,
        [],
      )
      .option("--kubeconfig <file>", "kubeconfig (default $KUBECONFIG, else ~/.kube/config)")
      .option("--context <name>", "kubeconfig context (default: the current one)")
      .option("-n, --namespace <ns>", "namespace for objects without one, and of the --inventory Secret")
      .option("--field-manager <name>", "server-side apply field manager", "ocisync")
      .option("--force", "recreate objects whose immutable fields changed (Flux spec.force)")
      .option("--inventory <name>", "record the applied set in an ApplySet parent Secret of this name (-n)")
      .option("--prune", "delete objects of the --inventory set that are no longer in the manifests");
  kubeCommand("apply", "server-side apply in stages (CRDs, Namespaces, classes, rest); prints the change set")
    .option("--wait", "wait until every applied object is healthy (kstatus), within --timeout (default 5m)")
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<RawKube>();
        const { runApply } = await import("./commands/apply.ts");
        return runApply({ ...kubeFlags(o), wait: o.wait === true }, ctx);
      }),
    );
  kubeCommand(
    "diff",
    "unified diff per object from a server-side dry-run; exit 0 no changes, 1 changes, 2 error",
  ).action(
    action((cmd) => async (ctx) => {
      const { runDiff } = await import("./commands/diff.ts");
      return runDiff(kubeFlags(cmd.opts<RawKube>()), ctx);
    }),
  );
  // --- end apply ---

  // --- sync ---
  program
    .command("sync")
    .description(
      "resolve, verify, pull, build and apply (or render) every Flux Kustomization of the manifests",
    )
    .option(
      "-f, --file <path>",
      "Flux OCIRepository/Kustomization manifests (and their Secrets), or - for standard input; repeatable",
      collect,
      [],
    )
    .option(
      "--render-to <dir>",
      "write the manifests to DIR/<namespace>/<name>.yaml instead of applying them",
    )
    .option("--kubeconfig <file>", "kubeconfig (default $KUBECONFIG, else ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: the current one)")
    .option("-n, --namespace <ns>", "namespace of manifests that name none", "flux-system")
    .option(
      "--mirror <url=target>",
      "serve oci://REGISTRY/REPO from TARGET (e.g. oci-layout://DIR); repeatable",
      collect,
      [],
    )
    .option(
      "--kustomize <path>",
      "the kustomize program (default $OCISYNC_KUSTOMIZE, else kustomize on PATH)",
    )
    .option("--field-manager <name>", "server-side apply field manager", "ocisync")
    .option(
      "--trusted-root <file>",
      "Sigstore trusted_root.json for keyless verification (default: the shipped public-good root)",
    )
    .action(
      action((cmd) => async (ctx) => {
        const o = cmd.opts<{
          file: string[];
          renderTo?: string;
          kubeconfig?: string;
          context?: string;
          namespace?: string;
          mirror: string[];
          kustomize?: string;
          fieldManager?: string;
          trustedRoot?: string;
        }>();
        const { runSyncCommand } = await import("./commands/sync.ts");
        return runSyncCommand(o, ctx);
      }),
    );
  // --- end sync ---

  return { program, result: () => code };
}

/** True for commander's own exits (help, version, usage errors); their exit code is commander's. */
export function isCommanderExit(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}
