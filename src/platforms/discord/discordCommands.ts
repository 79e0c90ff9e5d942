import {ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody} from "discord.js";
import {askCommand} from "../../../commands/ask.js";
import type {CommandDefinition, CommandOption} from "../../../commands/CommandDefinition.js";
import {kotaeCommand} from "../../../commands/kotae.js";
import {solveCommand} from "../../../commands/solve.js";
import {texCommand} from "../../../commands/tex.js";
import {integrationTypes, interactionContexts} from "./discordPlace.js";

type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;
type OptionJson = NonNullable<CommandJson["options"]>[number];

/** Kotae's slash commands as Discord registers them: the platform-neutral definitions, localised ja/en. */
export function discordCommands(): CommandJson[] {
    return [solveCommand, askCommand, kotaeCommand, texCommand].map((command) => ({
        type: ApplicationCommandType.ChatInput,
        name: command.name,
        description: command.description.en,
        description_localizations: {ja: command.description.ja},
        // Installable to a server and to a student's account, usable in servers, DMs with the bot and
        // (user-installed) group DMs: https://discord.com/developers/docs/interactions/application-commands#contexts
        integration_types: integrationTypes,
        contexts: interactionContexts,
        options: command.subcommands != null
            ? command.subcommands.map((subcommand): OptionJson => ({
                type: ApplicationCommandOptionType.Subcommand,
                name: subcommand.name,
                description: subcommand.description.en,
                description_localizations: {ja: subcommand.description.ja},
                options: subcommand.options.map(optionJson) as never
            }))
            : command.options.map(optionJson)
    }));
}

function optionJson(option: CommandOption): OptionJson {
    const common = {
        name: option.name,
        name_localizations: {ja: option.localizedNames.ja},
        description: option.description.en,
        description_localizations: {ja: option.description.ja},
        required: option.required
    };
    if (option.type === "boolean")
        return {...common, type: ApplicationCommandOptionType.Boolean};
    if (option.type === "integer")
        return {
            ...common, type: ApplicationCommandOptionType.Integer,
            ...(option.minValue != null ? {min_value: option.minValue} : {}),
            ...(option.maxValue != null ? {max_value: option.maxValue} : {})
        };
    return {
        ...common,
        type: ApplicationCommandOptionType.String,
        ...(option.maxLength != null ? {max_length: option.maxLength} : {}),
        ...(option.choices != null ? {
            choices: option.choices.map((choice) => ({name: choice.label.en, name_localizations: {ja: choice.label.ja}, value: choice.value}))
        } : {})
    };
}

/** The values of a command's options as text, the way CommandDefinition.toRequest takes them. */
export function optionValues(definition: CommandDefinition<unknown>, read: (name: string, type: CommandOption["type"]) => string | number | boolean | null): Record<string, string | undefined> {
    return Object.fromEntries(definition.options.map((option) => {
        const value = read(option.name, option.type);
        return [option.name, value == null ? undefined : String(value)];
    }));
}
