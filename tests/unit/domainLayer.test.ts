import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";

// src/domain is the vocabulary every layer shares; it must stand on its own, or storage's shapes leak
// back into the application through it.
const domainFolder = fileURLToPath(new URL("../../src/domain", import.meta.url));

describe("src/domain", () => {
    it("imports nothing but itself", () => {
        const files = fs.readdirSync(domainFolder).filter((name) => name.endsWith(".ts"));
        expect(files.length).toBeGreaterThan(0);
        for (const file of files) {
            const source = fs.readFileSync(path.join(domainFolder, file), "utf8");
            const imported = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map((match) => match[1]);
            expect(imported.filter((specifier) => !/^\.\/[A-Za-z]+\.js$/.test(specifier!)), file).toEqual([]);
        }
    });
});
