/**
 * The names of the platforms Kotae ships. The registry (src/platforms/platformRegistry.ts) must hold exactly
 * these (it does not compile otherwise, and a test compares them): the domain names its platforms without
 * depending on the layer above it.
 */
export const platformNames = ["web", "discord", "slack"] as const;

/** A built-in platform's name: the `platform` of the requests it makes. */
export type PlatformName = typeof platformNames[number];

/** Kotae's own tools that make requests besides the platforms: the terminal, the audit recheck, `kotae eval`, the benchmarks. */
export const toolOrigins = ["cli", "audit", "eval", "bench"] as const;

/** Where a request comes from (`Requester.platform`, stored with every interaction): a platform or one of Kotae's tools. */
export type RequestOrigin = PlatformName | typeof toolOrigins[number];

export const requestOrigins: readonly RequestOrigin[] = [...platformNames, ...toolOrigins];
