import type {KotaeConfig} from "../../config/KotaeConfig.js";

/** The Host headers and Origins the web app answers to. */
export type AllowedAddresses = {
    readonly hosts: ReadonlySet<string>,
    readonly origins: ReadonlySet<string>
};

const wildcardHosts = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Loopback names on the port Kotae listens on, the configured `web.host` (unless it is a wildcard, which
 * names no host), and each `web.publicUrl`. Checking the Host header against them stops DNS rebinding: a
 * hostile page whose name resolves to 127.0.0.1 still sends its own name as the Host. Local origins are
 * http (Kotae itself serves no TLS); public ones carry their own scheme, e.g. https behind a proxy.
 */
export function allowedAddresses(config: {readonly web: Pick<KotaeConfig["web"], "host" | "publicUrl">}, port: number): AllowedAddresses {
    const names = ["127.0.0.1", "localhost", "[::1]"];
    if (!wildcardHosts.has(config.web.host))
        names.push(config.web.host.includes(":") && !config.web.host.startsWith("[") ? `[${config.web.host}]` : config.web.host);
    const localHosts = names.map((name) => `${name.toLowerCase()}:${port}`);
    const publicUrls = (config.web.publicUrl ?? "").split(",").filter((entry) => entry.trim() !== "").map((entry) => new URL(entry.trim()));
    return {
        hosts: new Set([...localHosts, ...publicUrls.map((url) => url.host)]),
        origins: new Set([...localHosts.map((host) => `http://${host}`), ...publicUrls.map((url) => url.origin)])
    };
}
