import {randomBytes} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {checkDatabasePath} from "./checkDatabasePath.js";
import {DatabaseProblem, describeOpenFailure} from "./DatabaseProblem.js";

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

    const keyFile = pseudonymKeyFile(config);
    if (config.pseudonymKey == null && !fs.existsSync(keyFile))
        checkBeforeMakingKey(config.db, keyFile);
    let pseudonymizer: Pseudonymizer;
    try {
        pseudonymizer = config.pseudonymKey != null ? Pseudonymizer.fromSecret(config.pseudonymKey) : Pseudonymizer.fromKeyFile(keyFile);
    } catch (error) {
        throw describeOpenFailure(keyFile, {label: "pseudonym key", elsewhere: "restore pseudonym.key from a backup, or set KOTAE_PSEUDONYM_KEY"}, error);
    }
    return openDatabase(config.db, pseudonymizer);
}

function openDatabase(db: string, pseudonymizer: Pseudonymizer): KotaeStore {
    try {
        return new KotaeStore(db, pseudonymizer);
    } catch (error) {
        throw describeOpenFailure(path.resolve(db), {label: dbSetting, elsewhere: `set ${dbSetting} to another file`}, error);
    }
}

/**
 * A new pseudonym key is made only for a database that holds no pseudonyms yet. It is opened first with a
 * throwaway key, so a damaged or foreign file is reported as what it is, with no key left beside it. A
 * database whose rows hold pseudonyms was written with a key that is now missing, and a new one would
 * split every user in two; unless another process starting on the same new database (bot processes sharing
 * one file, started together) made the key and wrote with it meanwhile: then the key is there to read.
 */
function checkBeforeMakingKey(db: string, keyFile: string): void {
    if (db === ":memory:")
        return;
    using store = openDatabase(db, Pseudonymizer.fromSecret(randomBytes(32).toString("base64url")));
    if (store.holdsPseudonyms() && !fs.existsSync(keyFile))
        throw new DatabaseProblem(`pseudonym key: ${keyFile} is missing, but ${path.resolve(db)} already holds data pseudonymized with it`,
            "Restore pseudonym.key from a backup, or set KOTAE_PSEUDONYM_KEY to the key it was made with", false);
}
