import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";

// The application layer's rule (README, architecture): platforms parse input and present results through
// the use cases in src/app (runtime.useCases); only the layers that do the work reach storage.
const root = fileURLToPath(new URL("../..", import.meta.url));
const storageFolder = path.join(root, "storage");

/**
 * The src layers that may import storage/, each for one reason: app (the use cases, and the runtime and
 * openStore that compose them), engine (each request's lifecycle owns its log row), and what the use cases
 * call that is queries at heart: audit (fresh-sample votes), eval (eval runs), export (the export SQL),
 * preconditions (the hourly limit counts from the database). cli and doctor get the store from app.
 */
const mayImportStorage = ["app", "engine", "audit", "eval", "export", "preconditions"];

function sourceFiles(folder: string): string[] {
    return fs.readdirSync(folder, {recursive: true, encoding: "utf8"})
        .filter((name) => name.endsWith(".ts"))
        .map((name) => path.join(folder, name));
}

/** The modules a file imports or re-exports, resolved to paths (packages as written). */
function importsOf(file: string): string[] {
    const source = fs.readFileSync(file, "utf8");
    return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm)]
        .map((match) => match[1] ?? match[2]!)
        .map((specifier) => specifier.startsWith(".") ? path.resolve(path.dirname(file), specifier) : specifier);
}

const importsStorage = (file: string) => importsOf(file).some((target) => target.startsWith(storageFolder + path.sep));
const layerOf = (file: string) => path.relative(path.join(root, "src"), file).split(path.sep)[0]!;
const relative = (file: string) => path.relative(root, file);

describe("layer rules", () => {
    const platformFiles = sourceFiles(path.join(root, "src/platforms"));

    it("no file under src/platforms imports storage/", () => {
        expect(platformFiles.length).toBeGreaterThan(20);
        expect(platformFiles.filter(importsStorage).map(relative)).toEqual([]);
    });

    it("no file under src/platforms reaches the store through the runtime, or writes SQL", () => {
        const offending = platformFiles.filter((file) => {
            const source = fs.readFileSync(file, "utf8");
            return /\.store\b/.test(source) || /\b(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/.test(source);
        });
        expect(offending.map(relative)).toEqual([]);
    });

    it("only app, engine and the queries the use cases call (audit, eval, export, preconditions) import storage/", () => {
        const importers = sourceFiles(path.join(root, "src")).filter(importsStorage);
        expect(importers.length).toBeGreaterThan(0);
        expect([...new Set(importers.map(layerOf))].filter((layer) => !mayImportStorage.includes(layer))).toEqual([]);
    });

    it("src/adapters is gone: workflows live in src/app, chat presentation in src/platforms/shared", () => {
        expect(fs.existsSync(path.join(root, "src/adapters"))).toBe(false);
    });
});
