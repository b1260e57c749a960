// SPDX-License-Identifier: Apache-2.0
/** One authentication challenge from `WWW-Authenticate` (RFC 7235). Scheme is lower-cased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` value, which may hold several challenges and quoted values containing
 * commas and spaces (`scope="repository:a:pull repository:b:pull"`). Parameter names are lower-cased.
 */
export function parseChallenges(value: string | null): Challenge[] {
  if (value === null) return [];
  const header = value;
  const out: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const n = header.length;
  const skip = (re: RegExp): void => {
    while (i < n && re.test(header.charAt(i))) i++;
  };
  while (i < n) {
    skip(/[\s,]/);
    const start = i;
    skip(/[^\s,=]/);
    const token = header.slice(start, i);
    if (token === "") break;
    skip(/[ \t]/);
    if (header.charAt(i) === "=" && out.length > 0) {
      i++;
      skip(/[ \t]/);
      const value = readValue();
      const last = out[out.length - 1];
      if (last) last.params[token.toLowerCase()] = value;
    } else {
      out.push({ scheme: token.toLowerCase(), params: {} });
    }
  }
  return out;

  function readValue(): string {
    if (header.charAt(i) !== '"') {
      const s = i;
      skip(/[^,\s]/);
      return header.slice(s, i);
    }
    i++;
    let v = "";
    while (i < n && header.charAt(i) !== '"') {
      if (header.charAt(i) === "\\" && i + 1 < n) i++;
      v += header.charAt(i);
      i++;
    }
    i++;
    return v;
  }
}

/** Picks the challenge to answer: Bearer over Basic (oras-go, go-containerregistry). */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}
