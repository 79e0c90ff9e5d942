#!/usr/bin/env node
// The `kotae` command: runs the compiled CLI (`npm run build`, done by `npm start` / `npm test` set-up).
import {existsSync} from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
    process.stderr.write("kotae: not built yet. Run `npm run setup` (or `npm run build`) in the Kotae folder first.\n");
    process.exit(2);
}
const {main} = await import(entry.href);
await main(process.argv.slice(2));
