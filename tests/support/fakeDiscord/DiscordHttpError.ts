/** Where a form error sits in the request body, as Discord's nested `errors` object spells it. */
export type FormProblem = {path: readonly (string | number)[], code: string, message: string};

type FormErrors = {[key: string]: FormErrors | {code: string, message: string}[]};

/**
 * An error answer in Discord's JSON shape (`{message, code, errors?}`): discord.js turns 4xx answers into
 * a DiscordAPIError carrying `code`, which is what a bot branches on (50027 expired token, 10008 …).
 */
export class DiscordHttpError extends Error {
    readonly status: number;
    readonly code: number;
    readonly problems: readonly FormProblem[];

    constructor(status: number, code: number, message: string, problems: readonly FormProblem[] = []) {
        super(message);
        this.status = status;
        this.code = code;
        this.problems = problems;
    }

    get body(): {message: string, code: number, errors?: FormErrors} {
        return this.problems.length === 0 ? {message: this.message, code: this.code} : {message: this.message, code: this.code, errors: nestProblems(this.problems)};
    }
}

function nestProblems(problems: readonly FormProblem[]): FormErrors {
    const root: FormErrors = {};
    for (const problem of problems) {
        let node = root;
        for (const key of problem.path)
            node = (node[String(key)] ??= {}) as FormErrors;
        ((node["_errors"] ??= []) as {code: string, message: string}[]).push({code: problem.code, message: problem.message});
    }
    return root;
}

/** The error answers the fake gives, with Discord's codes and messages. */
export const discordErrors = {
    unauthorized: () => new DiscordHttpError(401, 0, "401: Unauthorized"),
    unknownRoute: () => new DiscordHttpError(404, 0, "404: Not Found"),
    unknownApplication: () => new DiscordHttpError(404, 10002, "Unknown Application"),
    unknownChannel: () => new DiscordHttpError(404, 10003, "Unknown Channel"),
    unknownGuild: () => new DiscordHttpError(404, 10004, "Unknown Guild"),
    unknownMember: () => new DiscordHttpError(404, 10007, "Unknown Member"),
    unknownMessage: () => new DiscordHttpError(404, 10008, "Unknown Message"),
    unknownWebhook: () => new DiscordHttpError(404, 10015, "Unknown Webhook"),
    unknownInteraction: () => new DiscordHttpError(404, 10062, "Unknown interaction"),
    unknownCommand: () => new DiscordHttpError(404, 10063, "Unknown application command"),
    missingAccess: () => new DiscordHttpError(403, 50001, "Missing Access"),
    notAuthor: () => new DiscordHttpError(403, 50005, "Cannot edit a message authored by another user"),
    wrongChannelType: () => new DiscordHttpError(400, 50024, "Cannot execute action on this channel type"),
    invalidWebhookToken: () => new DiscordHttpError(401, 50027, "Invalid Webhook Token"),
    emptyMessage: () => new DiscordHttpError(400, 50006, "Cannot send an empty message"),
    alreadyAcknowledged: () => new DiscordHttpError(400, 40060, "Interaction has already been acknowledged."),
    threadAlreadyCreated: () => new DiscordHttpError(400, 160004, "A thread has already been created for this message"),
    tooLarge: () => new DiscordHttpError(413, 40005, "Request entity too large"),
    invalidJson: () => new DiscordHttpError(400, 50109, "The request body contains invalid JSON."),
    invalidFormBody: (problems: readonly FormProblem[]) => new DiscordHttpError(400, 50035, "Invalid Form Body", problems)
};

/** Throws where an expression is expected (`value ?? raise(…)`). */
export function raise(error: Error): never {
    throw error;
}
