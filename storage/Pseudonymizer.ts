import {createHmac, randomBytes} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type {Requester} from "../src/domain/Requester.js";

/**
 * Turns platform user ids into keyed HMAC-SHA256 pseudonyms, so the database never holds a raw id and
 * a leaked database cannot be joined back to accounts without the key.
 */
export class Pseudonymizer {
    private constructor(private readonly key: Buffer) {}

    public static fromSecret(secret: string): Pseudonymizer {
        if (secret.length < 16)
            throw new Error("The pseudonym key must be at least 16 characters (KOTAE_PSEUDONYM_KEY)");
        return new Pseudonymizer(Buffer.from(secret, "utf8"));
    }

    /** Reads the key file, creating it (mode 600) with a random key on first use. */
    public static fromKeyFile(keyFile: string): Pseudonymizer {
        try {
            return Pseudonymizer.fromSecret(fs.readFileSync(keyFile, "utf8").trim());
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOENT")
                throw error;
        }

        fs.mkdirSync(path.dirname(keyFile), {recursive: true, mode: 0o700}); // the database's folder: private, as the key
        const secret = randomBytes(32).toString("base64url");
        try {
            fs.writeFileSync(keyFile, secret + "\n", {mode: 0o600, flag: "wx"});
            return Pseudonymizer.fromSecret(secret);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "EEXIST") // another process created it first
                return Pseudonymizer.fromSecret(fs.readFileSync(keyFile, "utf8").trim());
            throw error;
        }
    }

    public pseudonymize(platform: string, userId: string): string {
        return createHmac("sha256", this.key).update(`${platform}\u0000${userId}`).digest("hex").slice(0, 32);
    }

    /** The pseudonym of whoever asked: what the database holds in place of their id. */
    public pseudonymOf(who: Pick<Requester, "platform" | "userId">): string {
        return this.pseudonymize(who.platform, who.userId);
    }
}
