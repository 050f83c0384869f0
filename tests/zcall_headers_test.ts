// Compares zcall's syscall numbers, constant groups and errno table with the
// system C headers: a tiny C program, generated from our own tables and
// compiled into a temp dir, prints what the headers say.

import assert from "node:assert/strict";
import * as Z from "../zcall/mod.ts";

// How each TypeScript group maps to C macro names.
const pre = (p: string) => (k: string) => [`${p}_${k}`];
const GROUPS: Record<string, (k: string) => string[]> = {
  AF: pre("AF"),
  SOCK: pre("SOCK"),
  IPPROTO: pre("IPPROTO"),
  SOL: pre("SOL"),
  SO: pre("SO"),
  TCP: pre("TCP"),
  UDP: pre("UDP"),
  IP: pre("IP"),
  IPV6: pre("IPV6"),
  O: pre("O"),
  EFD: pre("EFD"),
  TFD: pre("TFD"),
  SFD: pre("SFD"),
  MFD: pre("MFD"),
  PIDFD: pre("PIDFD"),
  CLOCK: pre("CLOCK"),
  PROT: pre("PROT"),
  MAP: pre("MAP"),
  SHUT: pre("SHUT"),
  MSG: pre("MSG"),
  SCM: pre("SCM"),
  F: pre("F"),
  SPLICE_F: pre("SPLICE_F"),
  RWF: pre("RWF"),
  AT: pre("AT"),
  POLL: (k) => [`POLL${k}`],
  EPOLL: (k) =>
    k.startsWith("CTL_") || k === "CLOEXEC" ? [`EPOLL_${k}`] : [`EPOLL${k}`],
  SIG: (k) => [`SIG${k}`],
  IORING_SETUP: pre("IORING_SETUP"),
  IORING_ENTER: pre("IORING_ENTER"),
  IORING_OP: pre("IORING_OP"),
  IOSQE: pre("IOSQE"),
  IORING_REGISTER: (k) =>
    k.startsWith("UNREGISTER_") ? [`IORING_${k}`] : [`IORING_REGISTER_${k}`],
};

// Deliberate differences from glibc, with the reason.
const KNOWN_DIFFERENCES: Record<string, string> = {
  // glibc defines O_LARGEFILE as 0 on 64-bit; the kernel value is 0x8000.
  O_LARGEFILE: "glibc hides it on 64-bit",
};

const IO_URING_H = "/usr/include/linux/io_uring.h";

function haveCompiler(): string | undefined {
  try {
    const r = new Deno.Command("cc", { args: ["--version"] }).outputSync();
    return r.success ? undefined : "cc --version failed";
  } catch {
    return "no C compiler (cc) on PATH";
  }
}

Deno.test("zcall: syscall numbers, constants and errno match the C headers", async () => {
  const missing = haveCompiler();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  let uringText = "";
  try {
    uringText = Deno.readTextFileSync(IO_URING_H);
  } catch {
    console.log(`note: ${IO_URING_H} missing, io_uring groups not compared`);
  }
  // name -> [TypeScript value, label]
  const ours = new Map<string, [number, string]>();
  const lines: string[] = [];
  const emit = (
    cName: string,
    value: number,
    label: string,
    enumOk: boolean,
  ) => {
    ours.set(cName, [value, label]);
    // io_uring opcodes are enumerators, invisible to #ifdef: include them
    // when the header text names them.
    const body = `  printf("c %s %lld\\n", "${cName}", (long long)(${cName}));`;
    if (enumOk && new RegExp(`\\b${cName}\\b`).test(uringText)) {
      lines.push(body);
    } else {
      lines.push(`#ifdef ${cName}`, body, "#endif");
    }
  };
  const table = Deno.build.arch === "aarch64" ? Z.SYS_AARCH64 : Z.SYS_X86_64;
  for (const [k, v] of Object.entries(table)) {
    emit(`SYS_${k.toLowerCase()}`, v, `SYS.${k}`, false);
  }
  for (const [group, names] of Object.entries(GROUPS)) {
    const obj = (Z as unknown as Record<string, Record<string, number>>)[group];
    assert.ok(obj, `zcall exports ${group}`);
    const isUring = group.startsWith("IORING") || group === "IOSQE";
    for (const [k, v] of Object.entries(obj)) {
      for (const c of names(k)) emit(c, v, `${group}.${k}`, isUring);
    }
  }
  for (const [name, n] of Object.entries(Z.Errno)) {
    lines.push(
      `#ifdef ${name}`,
      `  printf("e %s %d %s\\n", "${name}", ${name}, strerror(${name}));`,
      "#endif",
    );
    void n;
  }
  const src = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
${uringText ? "#include <linux/io_uring.h>" : ""}
int main(void) {
${lines.join("\n")}
  return 0;
}
`;
  const dir = await Deno.makeTempDir({ prefix: "kernio_headers_" });
  try {
    await Deno.writeTextFile(`${dir}/probe.c`, src);
    const cc = await new Deno.Command("cc", {
      args: ["-w", "-o", `${dir}/probe`, `${dir}/probe.c`],
      stderr: "piped",
    }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    const run = await new Deno.Command(`${dir}/probe`).output();
    assert.ok(run.success);
    const out = new TextDecoder().decode(run.stdout).trim().split("\n");
    const mismatches: string[] = [];
    const seen = new Set<string>();
    let errnos = 0;
    for (const line of out) {
      const [kind, name, value, ...msg] = line.split(" ");
      if (kind === "c") {
        seen.add(name);
        const [v, label] = ours.get(name)!;
        // Compare as 32-bit words: EPOLLET and friends are 1U << 31.
        if ((Number(value) | 0) !== (v | 0) && !KNOWN_DIFFERENCES[name]) {
          mismatches.push(`${label} = ${v}, ${name} = ${value}`);
        }
      } else if (kind === "e") {
        errnos++;
        const n = Number(value);
        if (Z.Errno[name as keyof typeof Z.Errno] !== n) {
          mismatches.push(
            `Errno.${name} = ${Z.Errno[name as keyof typeof Z.Errno]}, C ${n}`,
          );
        }
        if (Z.errnoMessage(n) !== msg.join(" ")) {
          mismatches.push(
            `errnoMessage(${name}) "${Z.errnoMessage(n)}" vs strerror "${
              msg.join(" ")
            }"`,
          );
        }
      }
    }
    assert.deepEqual(mismatches, []);
    const unchecked = [...ours.keys()].filter((n) => !seen.has(n));
    console.log(
      `compared ${seen.size} syscall numbers/constants and ${errnos} errnos ` +
        `with the C headers; not in these headers: ${
          unchecked.join(" ") || "none"
        }`,
    );
    // Every syscall number must be checked, and almost every constant.
    for (const k of Object.keys(table)) {
      assert.ok(
        seen.has(`SYS_${k.toLowerCase()}`),
        `SYS_${k.toLowerCase()} unchecked`,
      );
    }
    assert.ok(
      seen.size >= ours.size * 0.85,
      `${seen.size}/${ours.size} compared`,
    );
    assert.equal(errnos, Object.keys(Z.Errno).length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
