// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "./errors.ts";
import { proxyEnvFrom } from "./proxy-env.ts";

const LOOPBACK = "localhost,127.0.0.0-127.255.255.255,::1,[::1]";

test("no proxy variable: undefined (Node's default agents stay in use)", () => {
  assert.equal(proxyEnvFrom({}), undefined);
  assert.equal(proxyEnvFrom({ NO_PROXY: "example.com", HTTP_PROXY: "" }), undefined);
});

test("both cases are read, upper-case first as in Go; loopback is never proxied", () => {
  assert.deepEqual(proxyEnvFrom({ https_proxy: "http://proxy:3128", no_proxy: ".corp" }), {
    HTTPS_PROXY: "http://proxy:3128/",
    NO_PROXY: `.corp,${LOOPBACK}`,
  });
  assert.deepEqual(proxyEnvFrom({ HTTP_PROXY: "http://upper:1", http_proxy: "http://lower:2" }), {
    HTTP_PROXY: "http://upper:1/",
    NO_PROXY: LOOPBACK,
  });
});

test("a value without a scheme is an http:// proxy (Go's parseProxy); credentials are kept", () => {
  assert.equal(proxyEnvFrom({ HTTPS_PROXY: "proxy.corp:3128" })?.HTTPS_PROXY, "http://proxy.corp:3128/");
  assert.equal(proxyEnvFrom({ HTTPS_PROXY: "10.0.0.1:3128" })?.HTTPS_PROXY, "http://10.0.0.1:3128/");
  assert.equal(
    proxyEnvFrom({ HTTP_PROXY: "https://u:p%40ss@proxy.corp" })?.HTTP_PROXY,
    "https://u:p%40ss@proxy.corp/",
  );
});

test("other schemes and garbage are errors naming the variable, never the value", () => {
  for (const [env, message] of [
    [{ https_proxy: "socks5://u:hunter2@h:1080" }, "https_proxy: socks5 proxies are not supported"],
    [{ HTTP_PROXY: "http://u:hunter2@[bad" }, "HTTP_PROXY: not a proxy URL"],
  ] as const) {
    assert.throws(
      () => proxyEnvFrom(env),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.code === "INVALID_CONFIG" &&
        err.message.startsWith(message) &&
        !err.message.includes("hunter2"),
    );
  }
});
