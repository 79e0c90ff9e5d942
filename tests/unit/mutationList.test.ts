import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {mutations} from "../../scripts/mutations.mjs";

// `npm run test:mutate` (not in CI) applies each mutation and runs its tests; this keeps the list itself true
// as the code moves on, so that the mutation run never silently skips a mutation whose text has gone.
const root = fileURLToPath(new URL("../..", import.meta.url));
/** Where each vitest project's tests live (vitest.config.ts). */
const projectFolders: Record<string, readonly string[]> = {
    standalone: ["tests/unit/"], model: ["tests/model/", "tests/cli/"], render: ["tests/render/"], discord: ["tests/discord/"],
    slack: ["tests/slack/"], web: ["tests/web/"], sandbox: ["tests/sandbox/", "tests/tir/"]
};

describe("the mutation list for npm run test:mutate", () => {
    it("has at least 20 mutations with unique kebab-case names", () => {
        expect(mutations.length).toBeGreaterThanOrEqual(20);
        expect(new Set(mutations.map((mutation) => mutation.name)).size).toBe(mutations.length);
        for (const {name} of mutations)
            expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    for (const mutation of mutations) {
        it(`${mutation.name}: the search text occurs once in ${mutation.file}, changes it, and its tests exist`, () => {
            const source = fs.readFileSync(path.join(root, mutation.file), "utf8");
            expect(source.split(mutation.search).length - 1).toBe(1);
            expect(mutation.replace).not.toBe(mutation.search);
            expect(mutation.file).toMatch(/^(src|storage|commands|bench)\//); // what ships, and the benchmarks and soak CI runs
            expect(mutation.tests.length).toBeGreaterThan(0);
            for (const test of mutation.tests) {
                expect(fs.existsSync(path.join(root, test)), test).toBe(true);
                expect(projectFolders[mutation.project]!.some((folder) => test.startsWith(folder)), `${test} is in project ${mutation.project}`).toBe(true);
            }
        });
    }
});
