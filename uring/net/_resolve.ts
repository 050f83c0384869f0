// Host and port validation and name resolution for listen()/connect():
// IP literals as they are, "localhost" and hosts-file names without DNS,
// other names through Deno.resolveDns (connect only: listen() is
// synchronous, as Deno.listen is). A missing permission is a
// MissingPermissionError naming the flag.

import { MissingPermissionError } from "../../zcall/permission.ts";
import { ipFamilyOf } from "../../sock/sockaddr.ts";

const HOSTS_FILE = "/etc/hosts";

/**
 * Validates a port given as a number or a decimal string; returns it as a
 * number. `where` names the call in the message.
 */
export function checkPort(where: string, port: unknown): number {
  let p = port;
  if (typeof p === "string") {
    if (!/^\d{1,5}$/.test(p)) {
      throw new TypeError(
        `${where}: port "${p}" is not a number (expected an integer 0..65535)`,
      );
    }
    p = Number(p);
  }
  if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) {
    throw new TypeError(
      `${where}: port must be an integer 0..65535, got ${String(port)}`,
    );
  }
  return p;
}

/** Validates a hostname option (a non-empty string; brackets dropped). */
export function checkHostname(where: string, hostname: unknown): string {
  if (typeof hostname !== "string") {
    throw new TypeError(`${where}: hostname must be a string`);
  }
  if (hostname === "") {
    throw new TypeError(
      `${where}: hostname must not be empty (use "0.0.0.0" for every interface)`,
    );
  }
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    return hostname.slice(1, -1);
  }
  return hostname;
}

// Addresses of `name` in the hosts file (IPv4 first); [] when absent.
function fromHostsFile(where: string, name: string): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(HOSTS_FILE);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) {
      throw new MissingPermissionError(
        `${where}: resolve "${name}"`,
        `--allow-read=${HOSTS_FILE}`,
        "names are looked up in the hosts file",
        { cause: e },
      );
    }
    return [];
  }
  const v4: string[] = [];
  const v6: string[] = [];
  const lower = name.toLowerCase();
  for (const line of text.split("\n")) {
    const f = line.replace(/#.*/, "").trim().split(/\s+/);
    if (f.length < 2) continue;
    if (!f.slice(1).some((h) => h.toLowerCase() === lower)) continue;
    const fam = ipFamilyOf(f[0]);
    if (fam === 4) v4.push(f[0]);
    else if (fam === 6) v6.push(f[0]);
  }
  return [...v4, ...v6];
}

/**
 * Addresses for a listen hostname, without DNS: a literal, "localhost"
 * (127.0.0.1), or a hosts-file name.
 */
export function resolveSync(where: string, hostname: string): string[] {
  if (ipFamilyOf(hostname) !== 0 && hostname !== "localhost") {
    return [hostname];
  }
  if (hostname.toLowerCase() === "localhost") return ["127.0.0.1"];
  const found = fromHostsFile(where, hostname);
  if (found.length > 0) return found;
  throw new TypeError(
    `${where}: cannot resolve "${hostname}" without DNS (listen() is synchronous): use an IP address, "localhost" or a name from ${HOSTS_FILE}`,
  );
}

/**
 * Addresses for a connect hostname: literals, "localhost", the hosts file,
 * then DNS (A, then AAAA) with Deno.resolveDns (needs --allow-net).
 */
export async function resolveAsync(
  where: string,
  hostname: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (ipFamilyOf(hostname) !== 0 && hostname !== "localhost") {
    return [hostname];
  }
  if (hostname.toLowerCase() === "localhost") return ["127.0.0.1", "::1"];
  const found = fromHostsFile(where, hostname);
  if (found.length > 0) return found;
  const out: string[] = [];
  let lastError: unknown = undefined;
  for (const type of ["A", "AAAA"] as const) {
    try {
      out.push(...await Deno.resolveDns(hostname, type, { signal }));
    } catch (e) {
      signal?.throwIfAborted();
      if (e instanceof Deno.errors.NotCapable) {
        throw new MissingPermissionError(
          `${where}: resolve "${hostname}"`,
          "--allow-net",
          "DNS goes through Deno.resolveDns",
          { cause: e },
        );
      }
      lastError = e;
    }
  }
  if (out.length === 0) {
    throw new Deno.errors.NotFound(
      `${where}: cannot resolve "${hostname}"${
        lastError instanceof Error ? `: ${lastError.message}` : ""
      }`,
    );
  }
  return out;
}
