import type {KotaeRuntime} from "../app/KotaeRuntime.js";
import type {KotaeConfig, SectionOf, SettingsSchema} from "../config/KotaeConfig.js";

/** What `kotae serve` gives every platform it starts. */
export type PlatformServices = {
    /** The engine, storage, renderer, logger and metrics all platforms share. */
    readonly runtime: KotaeRuntime,
    /** The whole configuration: Kotae's defaults a platform applies too (theme, solves per hour, limits). */
    readonly config: KotaeConfig
};

/** A started platform: `serve` prints its status line, and disposes of it (in reverse start order) when stopping. */
export type RunningPlatform = AsyncDisposable & {
    /** One sentence for the operator, e.g. "Discord: connected as Kotae#1234. …". */
    readonly statusLine: string
};

/**
 * Where students reach Kotae (Discord, Slack, the web app): one folder under src/platforms with a value of
 * this type, listed in platformRegistry.ts. Its settings are the config file's section under its name
 * (`{"discord": {"token": …}}`), each with its own KOTAE_* variable; `serve` starts every configured one.
 */
export type Platform<Name extends string = string, Settings extends SettingsSchema = SettingsSchema> = {
    /** The config section's name and the `platform` of its requests (stored with every interaction). */
    readonly name: Name,
    /** How the operator's lines name it ("Discord"). */
    readonly title: string,
    readonly settings: Settings,
    /**
     * For a chat platform: the settings that switch it on, for serve's hint when no chat platform is
     * configured. Undefined for what is not a chat platform (the web app).
     */
    readonly enableWith?: string,
    /**
     * When set, a failed start is logged with this hint and serve carries on without the platform (the web
     * app on a busy port); when unset, the failure stops serve (a chat platform that refused its token).
     */
    readonly startFailureHint?: string,
    /**
     * Settings of the section that only make sense together, each problem one line naming the settings.
     * They ask only whether a setting is given, so an invalid value still counts as given.
     */
    crossCheck(section: SectionOf<Settings>): string[],
    /** Whether the section asks for this platform to run. */
    configured(section: SectionOf<Settings>): boolean,
    /**
     * Starts the platform. It imports its library here (`await import`), never at the top of the file:
     * every command loads the configuration, and with it every platform's settings, so a top-level import
     * made `kotae solve` and a web-only `serve` load discord.js, Bolt and Fastify too (about a second and
     * 75 MB before the first line of output).
     */
    start(services: PlatformServices, section: SectionOf<Settings>): Promise<RunningPlatform>
};

/** The platform's section of a loaded configuration (every platform the configuration was loaded with has one). */
export function sectionOf<Settings extends SettingsSchema>(config: KotaeConfig, platform: Platform<string, Settings>): SectionOf<Settings> {
    return (config as unknown as Record<string, SectionOf<Settings>>)[platform.name]!;
}

/** A running platform from what it started, its status line, and how it stops. */
export function runningPlatform(statusLine: string, stop: () => Promise<void>): RunningPlatform {
    return {statusLine, [Symbol.asyncDispose]: stop};
}
