import {ApplicationCommandType, type APIApplicationCommand, type RESTPostAPIApplicationCommandsJSONBody} from "discord.js";
import {discordErrors} from "./DiscordHttpError.js";
import {nextSnowflake} from "./snowflake.js";
import {checkCommands, type CommandJson} from "./validation.js";

/**
 * The application's registered commands, global and per guild, as the bot registered them. A command
 * keeps its id across re-registration under the same name, as on Discord, so interactions that name
 * it carry the id the bot saw.
 */
export class CommandRegistry {
    readonly #applicationId: string;
    /** By scope(): a guild's id, or "global". */
    readonly #scopes = new Map<string, APIApplicationCommand[]>();

    constructor(applicationId: string) {
        this.#applicationId = applicationId;
    }

    list(guildId: string | undefined): APIApplicationCommand[] {
        return this.#scopes.get(scope(guildId)) ?? [];
    }

    /** The command an interaction would name: the guild's own first (in that guild), then the global one. */
    find(name: string, guildId: string | undefined): APIApplicationCommand | undefined {
        return [...this.list(guildId), ...this.list(undefined)].find((command) => command.name === name && command.type === ApplicationCommandType.ChatInput);
    }

    overwrite(guildId: string | undefined, bodies: readonly RESTPostAPIApplicationCommandsJSONBody[]): APIApplicationCommand[] {
        checkCommands(bodies as readonly CommandJson[], true);
        const commands = bodies.map((body) => this.#toCommand(guildId, body));
        this.#scopes.set(scope(guildId), commands);
        return commands;
    }

    /** A single create: replaces a command of the same name and type. */
    upsert(guildId: string | undefined, body: RESTPostAPIApplicationCommandsJSONBody): {command: APIApplicationCommand, created: boolean} {
        checkCommands([body as CommandJson], false);
        const command = this.#toCommand(guildId, body);
        const commands = this.list(guildId);
        this.#scopes.set(scope(guildId), [...commands.filter((existing) => existing.id !== command.id), command]);
        return {command, created: !commands.some((existing) => existing.id === command.id)};
    }

    delete(guildId: string | undefined, id: string): void {
        const commands = this.list(guildId);
        if (!commands.some((command) => command.id === id))
            throw discordErrors.unknownCommand();
        this.#scopes.set(scope(guildId), commands.filter((command) => command.id !== id));
    }

    #toCommand(guildId: string | undefined, body: RESTPostAPIApplicationCommandsJSONBody): APIApplicationCommand {
        const type = body.type ?? ApplicationCommandType.ChatInput;
        const existing = this.list(guildId).find((command) => command.name === body.name && command.type === type);
        return {
            ...body,
            id: existing?.id ?? nextSnowflake(),
            type,
            application_id: this.#applicationId,
            description: "description" in body ? body.description : "",
            default_member_permissions: body.default_member_permissions ?? null,
            version: nextSnowflake(),
            ...(guildId === undefined ? {} : {guild_id: guildId})
        } as APIApplicationCommand; // The body's fields are the command's; TS cannot see that through the union.
    }
}

function scope(guildId: string | undefined): string {
    return guildId ?? "global";
}
