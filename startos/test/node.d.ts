// The two node built-ins the offline unit tests use (Debian's tsc ships no @types/node).
declare module 'node:test' {
  export function test(name: string, fn: () => void | Promise<void>): void
}
declare module 'node:assert/strict' {
  export function equal(actual: unknown, expected: unknown, message?: string): void
  export function deepEqual(actual: unknown, expected: unknown, message?: string): void
  export function ok(value: unknown, message?: string): void
  export function throws(fn: () => unknown, message?: string): void
}
declare function structuredClone<T>(value: T): T
