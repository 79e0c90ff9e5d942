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
        // Written whole beside it, then linked into place: processes started together on a new database
        // (the bot processes sharing one file) must never read a key file that exists but is still empty,
        // and a link, unlike a rename, fails when another process has made the key first.
        const draft = `${keyFile}.${process.pid}.${randomBytes(4).toString("hex")}.new`;
        fs.writeFileSync(draft, secret + "\n", {mode: 0o600, flag: "wx"});
        try {
            fs.linkSync(draft, keyFile);
            return Pseudonymizer.fromSecret(secret);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "EEXIST") // another process made it first
                return Pseudonymizer.fromSecret(fs.readFileSync(keyFile, "utf8").trim());
            throw error;
        } finally {
            fs.rmSync(draft, {force: true});
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
