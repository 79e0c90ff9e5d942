import {isIP} from "node:net";
import {z} from "zod";
import {strictNumber} from "../../config/strictNumber.js";
import {booleanSetting, settingLocation, type SectionOf, type SettingsSchema} from "../../config/KotaeConfig.js";

/** Whether `text` lists http(s) origins (scheme, host and port only), separated by commas. */
function isOriginList(text: string): boolean {
    return text.split(",").every((entry) => {
        try {
            const url = new URL(entry.trim());
            return ["http:", "https:"].includes(url.protocol) && url.origin === entry.trim().replace(/\/$/, "");
        } catch {
            return false;
        }
    });
}

/** Whether `entry` is an IPv4/IPv6 address, or one with a /prefix (a CIDR range). */
function isAddressOrRange(entry: string): boolean {
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    return family !== 0 && rest.length === 0
        && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
}

/**
 * Which reverse proxies may speak for the client: true (any peer: only when nothing but the proxy can
 * reach Kotae), false, or the proxies' addresses and ranges, comma-separated (Fastify's `trustProxy`).
 */
const trustedProxies = z.union([
    booleanSetting,
    z.string().transform((text) => text.split(",").map((entry) => entry.trim()))
        .refine((entries) => entries.every(isAddressOrRange), "must be true, false, or proxy addresses/CIDR ranges separated by commas, like 127.0.0.1,10.0.0.0/8")
]);

/** The `web` section of the configuration. */
export const webSettings = {
    host: {env: "KOTAE_WEB_HOST", schema: z.string().min(1).default("127.0.0.1"),
        help: "Address of the local web app (playground and audit). Anything but loopback needs web.adminToken."},
    port: {env: "KOTAE_WEB_PORT", schema: strictNumber({min: 0, max: 65_535}).default(8787),
        help: "Port of the local web app."},
    adminToken: {env: "KOTAE_WEB_ADMIN_TOKEN", secret: true, schema: z.string().min(16).optional(),
        help: "Token for the web app's audit pages (and for any bind beyond loopback); without it the audit pages stay closed."},
    publicUrl: {env: "KOTAE_WEB_PUBLIC_URL", schema: z.string().refine(isOriginList, "must be one or more http(s) origins separated by commas, like https://kotae.example.org").optional(),
        help: "Public address(es) of the web app behind a reverse proxy (https://kotae.example.org, comma-separated): their hosts and origins are accepted besides loopback. Unset: loopback only."},
    trustProxy: {env: "KOTAE_WEB_TRUST_PROXY", schema: trustedProxies.default(false),
        help: "Believe X-Forwarded-For/-Proto/-Host (Fastify trustProxy) from the reverse proxy's addresses (e.g. 127.0.0.1,10.0.0.0/8), or from any peer with true (only when nothing else can reach Kotae)."}
} as const satisfies SettingsSchema;

export type WebSettings = SectionOf<typeof webSettings>;

/** Beyond loopback, anyone who reaches the address could use the audit pages' data: the admin token must guard them. */
export function crossCheckWeb(section: WebSettings): string[] {
    return !["127.0.0.1", "::1", "localhost"].includes(section.host) && section.adminToken == null
        ? [`${settingLocation("web.adminToken", webSettings.adminToken)}: required to serve the web app on ${section.host} (beyond loopback)`]
        : [];
}
