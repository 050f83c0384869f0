// The syscall tables in zcall/sysnum.ts against the kernel headers, through
// each target's C preprocessor: the aarch64 table is only exercised for real
// under qemu (`deno task test:aarch64`), so a typo there would otherwise go
// unnoticed on x86_64 machines.
import assert from "node:assert/strict";
import {
  SYS_AARCH64,
  SYS_X86_64,
  type SyscallNumbers,
} from "../zcall/sysnum.ts";

async function which(cmd: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("sh", {
      args: ["-c", `command -v ${cmd}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Resolves every `__NR_<name>` through `cc -E` and returns the numbers. */
async function headerNumbers(
  cc: string,
  keys: string[],
): Promise<Map<string, number | string>> {
  const src = "#include <asm/unistd.h>\n" +
    keys.map((k) => `kio_${k} = __NR_${k.toLowerCase()};`).join("\n") + "\n";
  const child = new Deno.Command(cc, {
    args: ["-E", "-P", "-x", "c", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(src));
  await w.close();
  const out = await child.output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const found = new Map<string, number | string>();
  for (
    const m of new TextDecoder().decode(out.stdout).matchAll(
      /^kio_(\w+) = (.*);$/gm,
    )
  ) {
    // Numbers are plain on these targets; sum "(a + b)" forms just in case.
    const expr = m[2].replace(/[()\s]/g, "");
    found.set(
      m[1],
      /^\d+(\+\d+)*$/.test(expr)
        ? expr.split("+").reduce((a, b) => a + Number(b), 0)
        : m[2],
    );
  }
  return found;
}

async function compare(
  cc: string,
  table: Readonly<SyscallNumbers>,
): Promise<void> {
  const keys = Object.keys(table);
  const found = await headerNumbers(cc, keys);
  const wrong: string[] = [];
  for (const k of keys) {
    const want = found.get(k);
    const have = table[k as keyof SyscallNumbers];
    if (want !== have) wrong.push(`${k}: table ${have}, headers ${want}`);
  }
  assert.deepEqual(wrong, [], wrong.join("\n"));
}

const haveCross = await which("aarch64-linux-gnu-gcc");
const haveHeaders = (() => {
  try {
    return Deno.statSync("/usr/aarch64-linux-gnu/include/asm/unistd.h")
      .isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "sysnum: SYS_AARCH64 matches the aarch64 kernel headers",
  ignore: !(haveCross && haveHeaders),
  fn: () => compare("aarch64-linux-gnu-gcc", SYS_AARCH64),
});
if (!(haveCross && haveHeaders)) {
  console.log(
    "sysnum: SYS_AARCH64 check skipped: needs aarch64-linux-gnu-gcc and " +
      "/usr/aarch64-linux-gnu/include/asm/unistd.h " +
      "(apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)",
  );
}

const haveHostCc = Deno.build.arch === "x86_64" && await which("cc");
Deno.test({
  name: "sysnum: SYS_X86_64 matches the host kernel headers",
  ignore: !haveHostCc,
  fn: () => compare("cc", SYS_X86_64),
});
