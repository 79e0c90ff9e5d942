import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

/**
 * The folder holding Kotae's package.json. Code runs both from src/ (tests) and dist/src/ (the build),
 * so files tsc does not copy, and ../shared beside the checkout, are found from here.
 */
export function packageRoot(): string {
    for (let directory = path.dirname(fileURLToPath(import.meta.url)); ; directory = path.dirname(directory)) {
        if (fs.existsSync(path.join(directory, "package.json")))
            return directory;
        if (path.dirname(directory) === directory)
            throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    }
}
