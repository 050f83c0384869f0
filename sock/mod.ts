/**
 * Non-blocking sockets over kernio's raw syscalls (in development: this
 * entry point exports nothing yet).
 *
 * @module
 */
export {};
