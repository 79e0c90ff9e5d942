import fs from "node:fs";
import path from "node:path";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";

/** The settings file read at start from the working folder, as Docker Compose and most hosts write one. */
export const dotEnvFileName = ".env";

/** `NAME=value` or `export NAME=value`, the line format Node documents (https://nodejs.org/api/cli.html#--env-filefile). */
const assignment = /^\s*(?:export\s+)?[A-Za-z_][\w.-]*\s*=\s*(.*)$/;
const quotes = ["\"", "'", "`"];

/**
 * Loads `.env` from the working folder into `process.env` with Node's own loader
 * (`process.loadEnvFile`), before any setting is read. A variable already in the environment keeps
 * its value, as Node documents for env files ("the value from the environment takes precedence",
 * https://nodejs.org/api/cli.html#--env-filefile), so `KOTAE_DB=… kotae serve` overrides the file.
 * No file is fine (returns undefined); an unreadable or malformed one stops Kotae with one line
 * naming the file, because Node's parser silently skips a line without `=` and then runs it into the
 * next one, so a typo would quietly lose two settings. The line's text is never shown: it may hold a token.
 */
export function loadDotEnvFile(cwd = process.cwd()): string | undefined {
    const file = path.resolve(cwd, dotEnvFileName);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
            return undefined;
        throw settingsFileProblem(`Cannot read ${file} (settings loaded at start): ${(error as Error).message}. Make it a readable file, or remove it.`, file);
    }
    const badLine = firstMalformedLine(text);
    if (badLine !== undefined)
        throw settingsFileProblem(`${file}:${badLine}: not a NAME=value line (e.g. KOTAE_MODEL=/models/model.gguf; comments start with #). Fix or remove that line.`, file);
    if (typeof process.loadEnvFile !== "function")
        throw settingsFileProblem(`${file} needs Node.js 20.12 or newer to be read (this is ${process.version}). Upgrade Node.js, or set the variables in the environment instead.`, file);
    process.loadEnvFile(file);
    return file;
}

/** The 1-based number of the first line that is neither blank, a comment, an assignment nor inside a multi-line quoted value. */
function firstMalformedLine(text: string): number | undefined {
    const lines = text.split(/\r?\n/);
    let openQuote: string | undefined;
    for (const [index, line] of lines.entries()) {
        if (openQuote !== undefined) {
            if (line.includes(openQuote))
                openQuote = undefined;
            continue;
        }
        const trimmed = line.trim();
        if (trimmed === "" || trimmed.startsWith("#"))
            continue;
        const value = assignment.exec(line)?.[1];
        if (value === undefined)
            return index + 1;
        const quote = quotes.find((candidate) => value.startsWith(candidate));
        if (quote !== undefined && !value.slice(1).includes(quote))
            openQuote = quote;
    }
    return undefined;
}

function settingsFileProblem(message: string, file: string): KotaeError {
    return new KotaeError(ErrorCode.ConfigInvalid, message, {params: {detail: file}});
}
