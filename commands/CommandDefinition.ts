import type {Locale} from "../src/i18n/messages.js";

export type LocalizedText = Readonly<Record<Locale, string>>;

export type CommandOption = {
    readonly name: string,
    readonly localizedNames: LocalizedText,
    readonly description: LocalizedText,
    /** "string" unless said otherwise; integers and booleans arrive as their text ("5", "true"). */
    readonly type: "string" | "integer" | "boolean",
    readonly required: boolean,
    readonly minValue?: number,
    readonly maxValue?: number,
    readonly maxLength?: number,
    /** Allowed values, each with a localised label; absent for free text. */
    readonly choices?: readonly {readonly value: string, readonly label: LocalizedText}[]
};

/**
 * What a slash command is, independent of any platform: Discord and Slack adapters register these
 * definitions, the CLI reuses their option names and help, and none of them re-declares a command.
 */
export type CommandDefinition<Request> = {
    readonly name: string,
    readonly description: LocalizedText,
    readonly options: readonly CommandOption[],
    /** Commands grouped under this one (e.g. `/kotae settings`, `/kotae help`); then `options` is empty. */
    readonly subcommands?: readonly CommandDefinition<unknown>[],
    /** Turns parsed option values into an engine request. */
    readonly toRequest: (values: Readonly<Record<string, string | undefined>>) => Request
};
