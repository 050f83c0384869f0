/**
 * One non-blocking vectored send: a response's pending head bytes, a large
 * body chunk and its framing tail go to the socket in one sendmsg(2)
 * instead of one ring send each. Used only when the connection's send
 * queue is empty (nothing queued or in flight), so ordering holds; what the
 * kernel does not take is queued on the transport as usual.
 *
 * @module
 */

import { Iovecs, Msghdr } from "../zcall/structs.ts";
import { sendmsg } from "../zcall/syscalls.ts";
import { MSG } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";

const EMPTY = new Uint8Array(0);
const FLAGS = MSG.NOSIGNAL | MSG.DONTWAIT;
// One set per isolate: filled, sent and cleared within one synchronous call.
const iov = new Iovecs(3);
const msg = new Msghdr().setBuffers(iov);

/**
 * sendmsg(fd, [head[0, headLength), body, tail[0, tailLength)]) with
 * MSG_DONTWAIT | MSG_NOSIGNAL.
 *
 * @param fd The connected socket.
 * @param head Bytes to send first (the connection's fill buffer).
 * @param headLength How many of them.
 * @param body The large chunk, whole.
 * @param tail Framing after the chunk (CRLF), or an empty array.
 * @param tailLength How many tail bytes.
 * @returns Bytes the kernel took (possibly fewer than all), or -errno
 *   (-EAGAIN when it took none); a buffer the kernel may not address
 *   (resizable or detached) gives -EINVAL without a syscall.
 */
export function sendVectored(
  fd: number,
  head: Uint8Array,
  headLength: number,
  body: Uint8Array,
  tail: Uint8Array,
  tailLength: number,
): number {
  try {
    iov.set(0, head, headLength);
    iov.set(1, body);
    iov.set(2, tail, tailLength);
  } catch {
    return -Errno.EINVAL; // left to the transport's own send
  }
  const r = sendmsg(fd, msg.bytes, FLAGS);
  // Drop the references to the caller's buffers.
  iov.set(0, EMPTY);
  iov.set(1, EMPTY);
  iov.set(2, EMPTY);
  return r;
}
