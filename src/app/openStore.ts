import path from "node:path";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {checkDatabasePath} from "./checkDatabasePath.js";
import {describeOpenFailure} from "./DatabaseProblem.js";

/** The setting an operator changes to point Kotae at another database. */
const dbSetting = "KOTAE_DB";

/** The pseudonym key file Kotae keeps beside the database when KOTAE_PSEUDONYM_KEY is not set. */
export function pseudonymKeyFile(config: Pick<KotaeConfig, "db">): string {
    return path.join(path.dirname(path.resolve(config.db)), "pseudonym.key");
}

/**
 * Opens the configured database with its pseudonym key (KOTAE_PSEUDONYM_KEY, else pseudonym.key beside it).
 * Whatever goes wrong becomes a DatabaseProblem: one line naming the file and the fix, never a stack trace.
 */
export function openStore(config: Pick<KotaeConfig, "db" | "pseudonymKey">): KotaeStore {
    if (config.db !== ":memory:")
        checkDatabasePath(config.db, dbSetting);

    let pseudonymizer: Pseudonymizer;
    const keyFile = pseudonymKeyFile(config);
    try {
        pseudonymizer = config.pseudonymKey != null ? Pseudonymizer.fromSecret(config.pseudonymKey) : Pseudonymizer.fromKeyFile(keyFile);
    } catch (error) {
        throw describeOpenFailure(keyFile, {label: "pseudonym key", elsewhere: "restore pseudonym.key from a backup, or set KOTAE_PSEUDONYM_KEY"}, error);
    }
    try {
        return new KotaeStore(config.db, pseudonymizer);
    } catch (error) {
        throw describeOpenFailure(path.resolve(config.db), {label: dbSetting, elsewhere: `set ${dbSetting} to another file`}, error);
    }
}
