/**
 * What a person sees of a message and whom it notifies, as Slack reads mrkdwn
 * (https://api.slack.com/reference/surfaces/formatting): `&amp;`, `&lt;` and `&gt;` stand for `&`, `<`
 * and `>`, which a sender must escape; anything else between `<` and `>` is a token: `<@U…>` mentions
 * (and notifies) a person, `<!channel>`, `<!here>` and `<!everyone>` notify everyone, `<!subteam^S…>` a
 * user group, `<#C…>` links a channel, `<!date^…|fallback>` shows its fallback and any other `<x|label>`
 * is a link. With `parse: "full"` or `link_names` (https://api.slack.com/methods/chat.postMessage#formatting),
 * plain `@name`, `@channel`, `@here` and `@everyone` notify too. `plain_text` objects are shown as written.
 * Styles (*bold*, _italic_, ~strike~, `code`) are left in `shown`: the fake checks what is linked and who
 * is notified, not how text is styled.
 */

export type Broadcast = "channel" | "here" | "everyone";

export type ShownText = {
    /** The text as people read it: entities decoded, tokens replaced by what Slack shows for them. */
    readonly shown: string,
    /** Who gets a notification. */
    readonly pinged: {readonly users: readonly string[], readonly broadcasts: readonly Broadcast[], readonly userGroups: readonly string[]},
    readonly channelLinks: readonly string[],
    readonly links: readonly {readonly url: string, readonly label: string}[]
};

/** Names for what tokens show: a person's `@name`, a channel's `#name`. */
export type Directory = {
    readonly userName: (id: string) => string | undefined,
    readonly userIdByName: (name: string) => string | undefined,
    readonly channelName: (id: string) => string | undefined
};

type Collected = {shown: string[], users: string[], broadcasts: Broadcast[], userGroups: string[], channelLinks: string[], links: {url: string, label: string}[]};

const tokenOrEntity = /<([^<>\n]*)>|&(amp|lt|gt);/g;
const entities: Record<string, string> = {amp: "&", lt: "<", gt: ">"};
const broadcasts = new Set<string>(["channel", "here", "everyone"]);

/** One mrkdwn text (a message's `text`, a `mrkdwn` text object) as shown. */
export function showMrkdwn(text: string, directory: Directory, options: {linkNames?: boolean} = {}): ShownText {
    const collected: Collected = {shown: [], users: [], broadcasts: [], userGroups: [], channelLinks: [], links: []};
    readMrkdwn(text, directory, options.linkNames === true, collected);
    return finish(collected);
}

/**
 * A message as shown: its blocks' text when it has blocks (the `text` is then only the notification),
 * else its `text`; who is notified counts both, since the notification is sent too.
 */
export function showMessage(message: {text?: string | undefined, blocks?: readonly unknown[] | undefined}, directory: Directory, options: {linkNames?: boolean} = {}): ShownText {
    const linkNames = options.linkNames === true;
    const collected: Collected = {shown: [], users: [], broadcasts: [], userGroups: [], channelLinks: [], links: []};
    const blocks = message.blocks ?? [];
    for (const text of blocks.flatMap(textObjects)) {
        if (text.type === "mrkdwn")
            readMrkdwn(text.text, directory, linkNames, collected);
        else
            collected.shown.push(text.text);
    }
    // The text is not shown beside blocks, but its notification notifies: same lists, its own `shown`.
    const notification: Collected = {...collected, shown: []};
    readMrkdwn(message.text ?? "", directory, linkNames, blocks.length > 0 ? notification : collected);
    return finish(collected);
}

function finish(collected: Collected): ShownText {
    const unique = <T>(values: T[]): T[] => [...new Set(values)];
    return {
        shown: collected.shown.join("\n"),
        pinged: {users: unique(collected.users), broadcasts: unique(collected.broadcasts), userGroups: unique(collected.userGroups)},
        channelLinks: unique(collected.channelLinks),
        links: collected.links
    };
}

/** The text objects a block shows: a section's text and fields, a header's, a context's elements. */
function textObjects(block: unknown): {type: string, text: string}[] {
    const isText = (value: unknown): value is {type: string, text: string} =>
        typeof value === "object" && value !== null && typeof (value as {text?: unknown}).text === "string" && typeof (value as {type?: unknown}).type === "string";
    const {text, fields, elements} = block as {text?: unknown, fields?: unknown, elements?: unknown};
    return [text, ...Array.isArray(fields) ? fields : [], ...Array.isArray(elements) ? elements : []].filter(isText);
}

function readMrkdwn(text: string, directory: Directory, linkNames: boolean, into: Collected): void {
    let shown = "";
    let last = 0;
    for (const match of text.matchAll(tokenOrEntity)) {
        shown += plain(text.slice(last, match.index), directory, linkNames, into);
        last = match.index + match[0].length;
        shown += match[1] === undefined ? entities[match[2]!]! : token(match[1], directory, into);
    }
    shown += plain(text.slice(last), directory, linkNames, into);
    into.shown.push(shown);
}

/** Text outside tokens: shown as it is; with link_names, `@name` and `@channel` notify. */
function plain(text: string, directory: Directory, linkNames: boolean, into: Collected): string {
    if (linkNames)
        for (const [, name] of text.matchAll(/(?:^|[^\w@])@([\w.-]+)/g)) {
            if (broadcasts.has(name!))
                into.broadcasts.push(name as Broadcast);
            const userId = directory.userIdByName(name!);
            if (userId !== undefined)
                into.users.push(userId);
        }
    return text;
}

/** What a `<…>` token shows, noting whom it notifies or what it links. */
function token(content: string, directory: Directory, into: Collected): string {
    const bar = content.indexOf("|");
    const target = bar < 0 ? content : content.slice(0, bar);
    const label = bar < 0 ? undefined : decode(content.slice(bar + 1));
    if (target.startsWith("@")) {
        const id = target.slice(1);
        into.users.push(id);
        return `@${label ?? directory.userName(id) ?? id}`;
    }
    if (target.startsWith("#")) {
        const id = target.slice(1);
        into.channelLinks.push(id);
        return `#${label ?? directory.channelName(id) ?? id}`;
    }
    if (target.startsWith("!")) {
        const command = target.slice(1);
        if (broadcasts.has(command)) {
            into.broadcasts.push(command as Broadcast);
            return `@${command}`;
        }
        if (command.startsWith("subteam^")) {
            const id = command.slice("subteam^".length);
            into.userGroups.push(id);
            return label ?? `@${id}`;
        }
        return label ?? "";
    }
    const url = decode(target);
    into.links.push({url, label: label ?? url});
    return label ?? url;
}

function decode(text: string): string {
    return text.replace(/&(amp|lt|gt);/g, (_entity, name: string) => entities[name]!);
}
