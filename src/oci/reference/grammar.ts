// SPDX-License-Identifier: Apache-2.0
/**
 * The reference grammar of `distribution/reference` (regexp.go), the one docker, containerd and
 * distribution share (https://github.com/distribution/reference/blob/main/regexp.go). These checks are
 * grammar only: no digest validation and no length limit on the name.
 */

const ALPHANUMERIC = "[a-z0-9]+";
// `.`, `_`, `__` or any run of `-`; never leading, trailing or doubled (`..`, `_.`, `___`).
const SEPARATOR = "(?:[._]|__|[-]+)";
const DOMAIN_NAME_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
// Any run of digits: upstream does not check the port range.
const OPTIONAL_PORT = "(?::[0-9]+)?";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
// Brackets required; no zone (`%eth0`) and no embedded IPv4 (`::192.0.2.33`).
const IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;
const DOMAIN_AND_PORT = `${HOST}${OPTIONAL_PORT}`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_DOMAIN_AND_PORT_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const ANCHORED_PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const ANCHORED_TAG_RE = new RegExp(`^${TAG}$`);
const ANCHORED_DIGEST_RE = new RegExp(`^${DIGEST}$`);
const ANCHORED_IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** The captures of the reference grammar: `name[:tag][@digest]`. */
export interface ReferenceGrammarMatch {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The captures of the anchored name grammar; `domain` is `""` when the name has none. */
export interface NameGrammarMatch {
  readonly domain: string;
  readonly path: string;
}

/**
 * Matches the whole of `s` against `name [":" tag] ["@" digest]` (upstream `ReferenceRegexp`). The first
 * component is taken as the domain whenever it fits the host grammar and a `/` follows it.
 */
export function matchReferenceGrammar(s: string): ReferenceGrammarMatch | undefined {
  const m = REFERENCE_RE.exec(s);
  if (m === null) return undefined;
  const [, name = "", tag, digest] = m;
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Matches the whole of `s` against `[domain "/"] path` (upstream `anchoredNameRegexp`). */
export function matchNameGrammar(s: string): NameGrammarMatch | undefined {
  const m = ANCHORED_NAME_RE.exec(s);
  if (m === null) return undefined;
  return { domain: m[1] ?? "", path: m[2] ?? "" };
}

/** True when `s` is `host[:port]`: a DNS name or bracketed IPv6 address, and a run of digits. */
export function isDomainAndPort(s: string): boolean {
  return ANCHORED_DOMAIN_AND_PORT_RE.test(s);
}

/** True when `s` is a tag: 1–128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
export function isTag(s: string): boolean {
  return ANCHORED_TAG_RE.test(s);
}

/** True when `s` fits the digest grammar (`alg:hex`, at least 32 hex digits); no algorithm check. */
export function isDigestGrammar(s: string): boolean {
  return ANCHORED_DIGEST_RE.test(s);
}

/** True when `s` is 64 lowercase hex characters: an image ID, which is never read as a name. */
export function isIdentifier(s: string): boolean {
  return ANCHORED_IDENTIFIER_RE.test(s);
}

/**
 * Says which part of `s` breaks the reference grammar, for error messages. Returns undefined when no
 * single part is to blame. Splits as the grammar does: the digest follows the first `@`, the tag
 * follows the last `:` after the last `/`.
 */
export function explainFormat(s: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s))
    return "a reference has no URL scheme; write HOST/REPOSITORY[:TAG][@DIGEST]";
  const at = s.indexOf("@");
  const rest = at < 0 ? s : s.slice(0, at);
  const digest = at < 0 ? undefined : s.slice(at + 1);
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > rest.lastIndexOf("/");
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  const nameHint = explainName(name);
  if (nameHint !== undefined) return nameHint;
  if (tag !== undefined && !isTag(tag)) {
    return `tag ${JSON.stringify(tag)} must be 1 to 128 of [A-Za-z0-9_.-] and not start with "." or "-"`;
  }
  if (digest !== undefined && !isDigestGrammar(digest)) {
    return `digest ${JSON.stringify(digest)} must be ALGORITHM:HEX with at least 32 hex digits`;
  }
  return undefined;
}

function explainName(name: string): string | undefined {
  if (name === "") return "the repository name is missing";
  if (matchNameGrammar(name) !== undefined) return undefined;
  const parts = name.split("/");
  if (parts.length === 1 && name.startsWith("["))
    return "an IPv6 registry host must be followed by /REPOSITORY";
  const first = parts[0] ?? "";
  const start = parts.length > 1 && isDomainAndPort(first) ? 1 : 0;
  for (const [i, part] of parts.entries()) {
    if (i < start) continue;
    if (part === "") return 'the repository path has an empty component ("//" or a trailing "/")';
    if (ANCHORED_PATH_COMPONENT_RE.test(part)) continue;
    if (i === 0 && parts.length > 1) {
      return `${JSON.stringify(part)} is neither a registry host[:port] nor a repository path component`;
    }
    return `path component ${JSON.stringify(part)} must be lowercase letters and digits joined by ".", "_", "__" or "-"`;
  }
  return undefined;
}
