// Reads an ELF header to explain why a file will not load: the dynamic
// loader reports a library built for another machine as "No such file or
// directory", and a truncated one can crash the process inside dlopen.

/** ELF e_machine values of the architectures a message may name. */
const MACHINES: Readonly<Record<number, string>> = {
  3: "x86 (32-bit)",
  8: "mips",
  20: "powerpc",
  21: "powerpc64",
  40: "arm (32-bit)",
  62: "x86_64",
  183: "aarch64",
  243: "riscv",
  258: "loongarch",
};

/** e_machine for each architecture Deno runs on. */
const EXPECTED_MACHINE: Readonly<Record<string, number>> = {
  x86_64: 62,
  aarch64: 183,
};

/** What is wrong with a file as a shared library for `arch`, or null. */
export interface ElfProblem {
  /** "not-elf": no ELF magic; "wrong-architecture": another machine or class; "truncated": shorter than its headers say. */
  kind: "not-elf" | "wrong-architecture" | "truncated";
  /** One sentence for the error message. */
  detail: string;
}

/** Name of an ELF machine number, e.g. 183 → "aarch64". */
export function machineName(machine: number): string {
  return MACHINES[machine] ?? `ELF machine ${machine}`;
}

/**
 * Checks `bytes` (the whole file) as an ELF shared library for `arch`:
 * magic, 64-bit little-endian class, machine, and that the section headers
 * (written last by the linker) lie inside the file.
 */
export function elfProblem(bytes: Uint8Array, arch: string): ElfProblem | null {
  if (
    bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c || bytes[3] !== 0x46
  ) {
    return {
      kind: "not-elf",
      detail: `is not an ELF file (${bytes.length} bytes, no ELF magic)`,
    };
  }
  if (bytes.length < 64) {
    return {
      kind: "truncated",
      detail: `is a truncated ELF file (${bytes.length} bytes)`,
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cls = bytes[4], data = bytes[5];
  const little = data === 1;
  const machine = view.getUint16(18, little);
  const want = EXPECTED_MACHINE[arch];
  if (cls !== 2 || data !== 1 || (want !== undefined && machine !== want)) {
    const built = `${machineName(machine)}${cls === 1 ? ", 32-bit" : ""}${
      data === 2 ? ", big-endian" : ""
    }`;
    return {
      kind: "wrong-architecture",
      detail: `is built for another architecture: ${built}, not ${arch}`,
    };
  }
  const shoff = Number(view.getBigUint64(40, true));
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  if (shoff + shentsize * shnum > bytes.length) {
    return {
      kind: "truncated",
      detail: `is a truncated ELF file (${bytes.length} bytes; its headers ` +
        `need ${shoff + shentsize * shnum})`,
    };
  }
  return null;
}
