import os from "node:os";
import type {Requester} from "../domain/Requester.js";
import {resolveLocale, type Locale} from "../i18n/messages.js";

export enum ExitCode {
    Ok = 0,
    /** The solve or check failed (bad input, model failure) or the answers differ. */
    Failed = 1,
    /** The command line or the configuration is invalid. */
    Usage = 2,
    Interrupted = 130
}

/** The person at the terminal, pseudonymized like any chat user. */
export function cliRequester(): Requester {
    return {
        platform: "cli",
        userId: os.userInfo().username,
        locale: terminalLocale()
    };
}

/** The language the terminal's user reads, from the environment as for any locale-aware command. */
export function terminalLocale(): Locale {
    return resolveLocale(process.env["LC_ALL"] || process.env["LANG"]);
}
