/**
 * io_uring for Deno (in development: this entry point exports nothing yet).
 *
 * @module
 */
export {};
