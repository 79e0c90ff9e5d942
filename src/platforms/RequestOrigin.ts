import {platformNames, type PlatformName} from "./platformRegistry.js";

/** Kotae's own tools that make requests besides the platforms: the terminal, the audit recheck, `kotae eval`, the benchmarks. */
export const toolOrigins = ["cli", "audit", "eval", "bench"] as const;

/** Where a request comes from (`Requester.platform`, stored with every interaction): a platform or one of Kotae's tools. */
export type RequestOrigin = PlatformName | typeof toolOrigins[number];

export const requestOrigins: readonly RequestOrigin[] = [...platformNames, ...toolOrigins];
