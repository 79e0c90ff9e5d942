/**
 * The limits Discord enforces with a 400 "Invalid Form Body" (50035), checked here so that an end-to-end
 * test fails the way production would: a 2001-character answer, an 11th embed, a 46-character modal
 * title or a Japanese command description over 100 characters are all real rejections a bot must avoid.
 */
import {ComponentType, MessageFlags, type APIEmbed, type APIModalInteractionResponseCallbackData, type RESTPostAPIChannelMessageJSONBody, type RESTPostAPIChannelThreadsJSONBody} from "discord.js";
import {discordErrors, type FormProblem} from "./DiscordHttpError.js";

export type MessageBody = Pick<RESTPostAPIChannelMessageJSONBody, "content" | "embeds" | "components" | "attachments" | "flags" | "sticker_ids" | "poll" | "tts" | "message_reference" | "allowed_mentions">;

export type Path = readonly (string | number)[];

/** A component as JSON: enough structure to walk any layout, legacy rows or components v2. */
type ComponentJson = {type: number, custom_id?: string, label?: string, description?: string, content?: string, components?: ComponentJson[], component?: ComponentJson, accessory?: ComponentJson};

/** An application command or option as JSON: the fields whose limits Discord checks. */
export type CommandJson = {
    type?: number,
    name: string,
    description?: string,
    name_localizations?: Record<string, string | null> | null,
    description_localizations?: Record<string, string | null> | null,
    options?: CommandJson[],
    choices?: {name: string}[]
};

const maxFilesPerMessage = 10;
export const maxAttachmentBytes = 10 * 1024 * 1024;

class FormCheck {
    readonly problems: FormProblem[] = [];

    /** Discord counts code points, not UTF-16 units as `.length` does: an emoji is one character. */
    length(path: Path, value: string | readonly unknown[] | undefined | null, min: number, max: number): void {
        if (value == null)
            return;
        const length = typeof value === "string" ? [...value].length : value.length;
        if (length > max && min === 0)
            this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
        else if (length < min || length > max)
            this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
    }

    add(path: Path, code: string, message: string): void {
        this.problems.push({path, code, message});
    }

    throwIfAny(): void {
        if (this.problems.length > 0)
            throw discordErrors.invalidFormBody(this.problems);
    }
}

/** Checks a message body (channel message, webhook, or interaction callback `data` when `at` is ["data"]). */
export function checkMessageBody(body: MessageBody, files: number, at: Path = []): void {
    const check = new FormCheck();
    if (files > maxFilesPerMessage)
        check.add([...at, "attachments"], "BASE_TYPE_MAX_LENGTH", `Must be ${maxFilesPerMessage} or fewer in length.`);
    const componentsV2 = ((body.flags ?? 0) & MessageFlags.IsComponentsV2) !== 0;
    if (componentsV2) {
        for (const legacy of ["content", "embeds"] as const) {
            if (body[legacy] != null && body[legacy].length > 0)
                check.add([...at, legacy], "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2");
        }
    }
    check.length([...at, "content"], body.content, 0, 2000);
    check.length([...at, "embeds"], body.embeds, 0, 10);
    body.embeds?.forEach((embed, index) => checkEmbed(check, [...at, "embeds", index], embed));
    if (body.components != null)
        checkComponents(check, [...at, "components"], body.components as ComponentJson[], componentsV2);
    check.throwIfAny();
}

function checkEmbed(check: FormCheck, path: Path, embed: APIEmbed): void {
    check.length([...path, "title"], embed.title, 0, 256);
    check.length([...path, "description"], embed.description, 0, 4096);
    check.length([...path, "fields"], embed.fields, 0, 25);
    embed.fields?.forEach((field, index) => {
        check.length([...path, "fields", index, "name"], field.name, 1, 256);
        check.length([...path, "fields", index, "value"], field.value, 1, 1024);
    });
    check.length([...path, "footer", "text"], embed.footer?.text, 0, 2048);
    check.length([...path, "author", "name"], embed.author?.name, 0, 256);
    const texts = [embed.title, embed.description, embed.footer?.text, embed.author?.name, ...(embed.fields ?? []).flatMap((field) => [field.name, field.value])];
    if (texts.reduce((total, text) => total + [...(text ?? "")].length, 0) > 6000)
        check.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
}

function checkComponents(check: FormCheck, path: Path, components: readonly ComponentJson[], componentsV2: boolean): void {
    const all = [...walkComponents(components, path)];
    const customIds = new Set<string>();
    for (const {component, path: at} of all) {
        check.length([...at, "custom_id"], component.custom_id, 1, 100);
        if (component.type === ComponentType.Button)
            check.length([...at, "label"], component.label, 0, 80);
        if (component.custom_id != null) {
            if (customIds.has(component.custom_id))
                check.add([...at, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
            customIds.add(component.custom_id);
        }
    }
    if (componentsV2) {
        check.length(path, all, 0, 40);
        if (all.reduce((total, {component}) => total + [...(component.content ?? "")].length, 0) > 4000)
            check.add(path, "MAX_TEXT_DISPLAY_LENGTH_EXCEEDED", "Total text display content length exceeds 4000");
        return;
    }
    check.length(path, components, 0, 5);
    components.forEach((row, index) => {
        if (row.type !== ComponentType.ActionRow)
            check.add([...path, index, "type"], "UNION_TYPE_CHOICES", `Value of field "type" must be one of (${ComponentType.ActionRow},).`);
        // A button takes one of a row's five slots, a select menu all five.
        const width = (row.components ?? []).reduce((total, child) => total + (child.type === ComponentType.Button ? 1 : 5), 0);
        if (width > 5)
            check.add([...path, index, "components"], "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width");
    });
}

/** Every custom_id in a message's components, however nested. */
export function componentCustomIds(components: readonly object[]): string[] {
    return [...walkComponents(components as ComponentJson[], [])].flatMap(({component}) => component.custom_id ?? []);
}

function* walkComponents(components: readonly ComponentJson[], path: Path): Generator<{component: ComponentJson, path: Path}> {
    for (const [index, component] of components.entries()) {
        const at = [...path, index];
        yield {component, path: at};
        yield* walkComponents(component.components ?? [], [...at, "components"]);
        for (const key of ["component", "accessory"] as const) {
            const child = component[key];
            if (child != null)
                yield* walkComponents([child], [...at, key]);
        }
    }
}

/** Checks `showModal`'s data: the 45-character title is the limit bots trip over. */
export function checkModal(data: APIModalInteractionResponseCallbackData): void {
    const check = new FormCheck();
    check.length(["data", "title"], data.title, 1, 45);
    check.length(["data", "custom_id"], data.custom_id, 1, 100);
    check.length(["data", "components"], data.components, 1, 5);
    for (const {component, path} of walkComponents(data.components as ComponentJson[], ["data", "components"])) {
        check.length([...path, "custom_id"], component.custom_id, 1, 100);
        if (component.type === ComponentType.Label || component.type === ComponentType.TextInput)
            check.length([...path, "label"], component.label, 1, 45);
        check.length([...path, "description"], component.description, 0, 100);
    }
    check.throwIfAny();
}

/** Checks a new thread: its name, and an archive duration Discord offers. */
export function checkThread(body: RESTPostAPIChannelThreadsJSONBody): void {
    const check = new FormCheck();
    check.length(["name"], body.name, 1, 100);
    if (body.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(body.auto_archive_duration))
        check.add(["auto_archive_duration"], "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.");
    check.throwIfAny();
}

// Discord's rule for names: 1–32 letters, digits (any script), "-", "_" or "'", lower case where the
// script has case; Devanagari and Thai are listed because their combining marks are not \p{L}.
const commandNamePattern = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks a registration: a bulk overwrite (PUT, errors under each command's index) or one command (POST). */
export function checkCommands(commands: readonly CommandJson[], bulk: boolean): void {
    const check = new FormCheck();
    check.length([], bulk ? commands : undefined, 0, 100);
    commands.forEach((command, index) => checkNamed(check, bulk ? [index] : [], command, (command.type ?? 1) === 1));
    check.throwIfAny();
}

function checkNamed(check: FormCheck, path: Path, named: CommandJson, chatInput: boolean): void {
    const names: [Path, string | null][] = [[[...path, "name"], named.name], ...Object.entries(named.name_localizations ?? {}).map(([locale, name]): [Path, string | null] => [[...path, "name_localizations", locale], name])];
    for (const [at, name] of names) {
        if (name != null && (!commandNamePattern.test(name) || (chatInput && name !== name.toLowerCase())))
            check.add(at, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
    }
    if (!chatInput)
        return;
    check.length([...path, "description"], named.description ?? "", 1, 100);
    for (const [locale, description] of Object.entries(named.description_localizations ?? {}))
        check.length([...path, "description_localizations", locale], description, 1, 100);
    check.length([...path, "options"], named.options, 0, 25);
    named.options?.forEach((option, index) => checkNamed(check, [...path, "options", index], option, true));
    check.length([...path, "choices"], named.choices, 0, 25);
    named.choices?.forEach((choice, index) => check.length([...path, "choices", index, "name"], choice.name, 1, 100));
}
