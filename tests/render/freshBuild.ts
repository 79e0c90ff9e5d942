import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Fails with one line when the compiled `entry` (and what it imports) in dist/ is missing or older than
 * its TypeScript source. The render tests run the worker from dist/ (a worker thread cannot load
 * TypeScript), so after an edit in src/render a test run without `npm run build` would test the old code.
 */
export function assertFreshBuild(entry: string): void {
    for (const source of sourcesImportedBy(entry)) {
        const compiled = path.join(root, "dist", source.replace(/\.ts$/, ".js"));
        if (!fs.existsSync(compiled))
            throw new Error(`${path.relative(root, compiled)} is not built: run npm run build`);
        if (fs.statSync(compiled).mtimeMs < fs.statSync(path.join(root, source)).mtimeMs)
            throw new Error(`${path.relative(root, compiled)} is older than ${source}: run npm run build`);
    }
}

/** `entry` and every source file it imports by a relative path, transitively (paths relative to the root). */
function sourcesImportedBy(entry: string): Set<string> {
    const found = new Set<string>();
    const pending = [entry];
    while (pending.length > 0) {
        const source = pending.pop()!;
        if (found.has(source))
            continue;
        found.add(source);
        const text = fs.readFileSync(path.join(root, source), "utf8");
        for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)\.js"/g))
            pending.push(path.join(path.dirname(source), `${specifier}.ts`));
    }
    return found;
}
