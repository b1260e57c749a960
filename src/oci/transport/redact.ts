// SPDX-License-Identifier: Apache-2.0
/** Query parameters that may carry secrets or opaque upload state; their values never reach messages or logs. */
const SECRET_PARAMS =
  /^(?:_state|token|access_token|refresh_token|password|sig|signature|x-amz-.*|x-goog-.*|se|sp|sv|sr|skoid|sktid|skt|ske|sks|skv)$/i;

/**
 * Returns `url` safe for messages and logs: no userinfo, secret-looking query values replaced by `REDACTED`
 * (upload `_state`, presigned-URL signatures, tokens).
 */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "<invalid url>";
  }
  u.username = "";
  u.password = "";
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) u.searchParams.set(key, "REDACTED");
  }
  return u.toString();
}
