// Environment variables read without prompting: a variable is read only
// when permission for it is already granted, so a program granted nothing
// still reaches the local build or the cache.

/** A variable's value when readable; `denied` when permission is missing. */
export interface EnvRead {
  value?: string;
  denied: boolean;
}

/** Reads `name` if `--allow-env` covers it; never prompts. */
export function readEnv(name: string): EnvRead {
  const state =
    Deno.permissions.querySync({ name: "env", variable: name }).state;
  if (state !== "granted") return { denied: true };
  return { value: Deno.env.get(name) || undefined, denied: false };
}

/** Whether `--allow-read` covers `path`; never prompts. */
export function canRead(path: string): boolean {
  return Deno.permissions.querySync({ name: "read", path }).state ===
    "granted";
}
