import path from "node:path";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";

/** Opens the configured database with its pseudonym key (KOTAE_PSEUDONYM_KEY, else pseudonym.key beside it). */
export function openStore(config: Pick<KotaeConfig, "db" | "pseudonymKey">): KotaeStore {
    const pseudonymizer = config.pseudonymKey != null
        ? Pseudonymizer.fromSecret(config.pseudonymKey)
        : Pseudonymizer.fromKeyFile(path.join(path.dirname(path.resolve(config.db)), "pseudonym.key"));
    return new KotaeStore(config.db, pseudonymizer);
}
