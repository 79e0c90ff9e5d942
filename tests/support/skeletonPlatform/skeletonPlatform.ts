import {z} from "zod";
import {settingLocation, type SettingsSchema} from "../../../src/config/KotaeConfig.js";
import {runningPlatform, type Platform} from "../../../src/platforms/Platform.js";

/**
 * The smallest platform there is, to show what a new one needs: a folder like this one (its settings, what
 * switches it on, how it starts and stops) and one line in the registry (src/platforms/platformRegistry.ts;
 * a test passes its own list instead). It writes what happens to it in `journal`, e.g. "skeleton started".
 */
export function skeletonPlatform(name: string, journal: string[], options: {readonly failsToStart?: boolean} = {}): Platform<string, typeof skeletonSettings> {
    return {
        name,
        title: `Skeleton ${name}`,
        settings: skeletonSettings,
        enableWith: `the ${name} section's token`,
        crossCheck: (section) => section.token != null && section.room == null
            ? [`${settingLocation(`${name}.room`, skeletonSettings.room)}: required with the skeleton token`]
            : [],
        configured: (section) => section.token != null,
        start: async ({runtime}, section) => {
            if (options.failsToStart === true)
                throw new Error(`${name} could not reach its server`);
            journal.push(`${name} started in ${section.room} with ${runtime.engine.constructor.name}`);
            return runningPlatform(`Skeleton ${name}: ${section.greeting} in ${section.room}.`, async () => {
                journal.push(`${name} stopped`);
            });
        }
    };
}

export const skeletonSettings = {
    token: {env: "KOTAE_SKELETON_TOKEN", secret: true, schema: z.string().regex(/^skel-\w+$/, "must be a skeleton token (skel-…)").optional(),
        help: "Switches the skeleton on."},
    room: {env: "KOTAE_SKELETON_ROOM", schema: z.string().min(1).optional(),
        help: "Where the skeleton answers; needed with the token."},
    greeting: {env: undefined, schema: z.string().min(1).default("hello"),
        help: "What its status line says (config file only)."}
} as const satisfies SettingsSchema;
