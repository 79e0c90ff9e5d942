import fs from "node:fs";
import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {assertBuilt, runKotae, type KotaeRun} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";

/** `kotae audit list` opens (and so creates) the configured database and nothing else: a cheap way to see which KOTAE_DB won. */
function auditList(cwd: string, env: Record<string, string> = {}): KotaeRun {
    return runKotae(["audit", "list", "--json"], {cwd, env});
}

function folderWithDotEnv(contents: string): string {
    const folder = temporaryDirectory("kotae-dotenv-");
    fs.writeFileSync(path.join(folder, ".env"), contents);
    return folder;
}

function expectOneLine(result: KotaeRun, pattern: RegExp): void {
    expect(result.stderr).toMatch(new RegExp(`^kotae: ${pattern.source}\\n$`));
    expect(result.stderr + result.stdout).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(2);
}

beforeAll(assertBuilt);

describe(".env in the working folder (Node's process.loadEnvFile)", () => {
    it("sets settings at start: comments, `export`, quotes and a multi-line quoted value are read as Node documents", () => {
        const db = path.join(temporaryDirectory(), "from-dotenv.sqlite");
        const folder = folderWithDotEnv([
            "# Kotae settings",
            "",
            `export KOTAE_DB="${db}"   # where the log goes`,
            "KOTAE_PSEUDONYM_KEY='a secret of more than sixteen",
            "characters, on two lines'",
            "KOTAE_SOLVES_PER_HOUR=30"
        ].join("\n"));

        const result = auditList(folder);
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({total: 0, reports: []});
        expect(fs.existsSync(db)).toBe(true);
        // The key came from the file, so none was generated beside the database.
        expect(fs.existsSync(path.join(path.dirname(db), "pseudonym.key"))).toBe(false);
    });

    it("lets a real environment variable win over the same one in .env", () => {
        const fromFile = path.join(temporaryDirectory(), "file.sqlite");
        const fromEnvironment = path.join(temporaryDirectory(), "environment.sqlite");
        const folder = folderWithDotEnv(`KOTAE_DB=${fromFile}\n`);

        const result = auditList(folder, {KOTAE_DB: fromEnvironment});
        expect(result.status).toBe(0);
        expect(fs.existsSync(fromEnvironment)).toBe(true);
        expect(fs.existsSync(fromFile)).toBe(false);
    });

    it("works without a .env", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = auditList(temporaryDirectory("kotae-dotenv-"), {KOTAE_DB: db});
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        expect(fs.existsSync(db)).toBe(true);
    });

    it("stops with one line naming the file and the line when a line is not NAME=value, without showing the line (it may hold a token)", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const folder = folderWithDotEnv(`# settings\nKOTAE_DB=${db}\nKOTAE_DISCORD_TOKEN secret-token-value\nKOTAE_THEME=dark\n`);

        const result = auditList(folder);
        expectOneLine(result, new RegExp(`${path.join(folder, ".env").replaceAll(".", "\\.")}:3: not a NAME=value line .*Fix or remove that line\\.`));
        expect(result.stderr).not.toContain("secret-token-value");
        expect(fs.existsSync(db)).toBe(false);
    });

    it("stops with one line naming the file when .env cannot be read", () => {
        const folder = temporaryDirectory("kotae-dotenv-");
        fs.mkdirSync(path.join(folder, ".env"));

        const result = auditList(folder);
        expectOneLine(result, new RegExp(`Cannot read ${path.join(folder, ".env").replaceAll(".", "\\.")} \\(settings loaded at start\\): EISDIR.*Make it a readable file, or remove it\\.`));
    });
});
