import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {builtinProfiles} from "./builtinProfiles.js";
import {modelProfileSchema, type ModelProfile, type ModelProfileDefinition, type UserProfileDefinition} from "./ModelProfile.js";

/** The built-in model profiles plus those from the config file, validated once at start. */
export class ProfileRegistry {
    private readonly profiles = new Map<string, ModelProfile>();

    public constructor(userProfiles: Readonly<Record<string, UserProfileDefinition>> = {}) {
        for (const [name, definition] of Object.entries(builtinProfiles))
            this.profiles.set(name, {name, ...definition});

        for (const [name, definition] of Object.entries(userProfiles))
            this.profiles.set(name, {name, ...this.resolveUserProfile(name, definition)});
    }

    public get(name: string): ModelProfile {
        const profile = this.profiles.get(name);
        if (profile == null)
            throw new KotaeError(ErrorCode.ProfileUnknown, `Unknown profile "${name}". Known profiles: ${this.names().join(", ")}`, {
                params: {profile: name}
            });

        return profile;
    }

    /** The profile, or undefined where it is unknown (e.g. removed from the config since a problem was solved with it). */
    public find(name: string): ModelProfile | undefined {
        return this.profiles.get(name);
    }

    public names(): string[] {
        return [...this.profiles.keys()];
    }

    private resolveUserProfile(name: string, definition: UserProfileDefinition): ModelProfileDefinition {
        const {extends: baseName, ...overrides} = definition;
        const base = baseName != null ? this.profiles.get(baseName) : undefined;
        if (baseName != null && base == null)
            throw new KotaeError(ErrorCode.ConfigInvalid, `profiles.${name}.extends: unknown profile "${baseName}"`, {
                params: {detail: `profiles.${name}.extends`}
            });

        const {name: _baseName, ...baseDefinition} = base ?? {name};
        const merged: Record<string, unknown> = {...baseDefinition};
        for (const [key, value] of Object.entries(overrides)) {
            const previous = merged[key];
            merged[key] = isPlainObject(previous) && isPlainObject(value) && !("format" in value)
                ? {...previous, ...value}
                : value;
        }

        const parsed = modelProfileSchema.safeParse(merged);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            const path = ["profiles", name, ...(issue?.path ?? [])].join(".");
            throw new KotaeError(ErrorCode.ConfigInvalid, `${path}: ${issue?.message ?? "invalid profile"}`, {params: {detail: path}});
        }
        return parsed.data;
    }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value != null && !Array.isArray(value);
}
