#!/usr/bin/env node
// Makes a fresh Debian/Ubuntu checkout ready to run: system packages (as root, via apt), npm
// dependencies (npm install from the lock file, only when they changed) and the TypeScript build. `npm start`, `npm test` and
// `npm run bench` run this first, so each of them works on a new machine as one command.
// It uses nothing but Node itself, because it runs before the dependencies exist.
import {execFileSync, spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Debian packages Kotae needs, each with a command or file that shows it is already there. */
const systemPackages = [
    {name: "python3", present: () => commandExists("python3")},
    {name: "make", present: () => commandExists("make")},
    {name: "g++", present: () => commandExists("g++")},
    // The Python sandbox for tool-integrated reasoning runs the system Python (not a pyenv one under /root).
    {name: "bubblewrap", present: () => commandExists("bwrap")},
    {name: "python3-sympy", present: () => systemPythonImports("sympy")},
    {name: "python3-numpy", present: () => systemPythonImports("numpy")},
    // Answer and solution images: sharp (librsvg) draws Japanese with whatever fontconfig resolves, and
    // without a CJK font every Japanese character comes out as a box.
    {name: "fontconfig", present: () => commandExists("fc-list")},
    {name: "fonts-noto-cjk", present: () => fontconfigHasFamily("ja", "Noto Sans CJK JP")}
];

function systemPythonImports(module) {
    return spawnSync("/usr/bin/python3", ["-c", `import ${module}`], {stdio: "ignore"}).status === 0;
}

function fontconfigHasFamily(language, family) {
    const listed = spawnSync("fc-list", [`:lang=${language}`, "family"], {encoding: "utf8", stdio: ["ignore", "pipe", "ignore"]});
    return listed.status === 0 && listed.stdout.includes(family);
}

function commandExists(command) {
    return spawnSync("sh", ["-c", `command -v ${command}`], {stdio: "ignore"}).status === 0;
}

function log(message) {
    process.stderr.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
    execFileSync(command, args, {cwd: root, stdio: ["ignore", "inherit", "inherit"], ...options});
}

/** Only the test suite needs these (`setup.mjs --test`): Debian's Chromium for the web app's browser tests, jinja2 for template goldens. */
const testPackages = [
    {name: "chromium", present: () => fs.existsSync("/usr/bin/chromium")},
    // The chat-template golden tests compare Kotae's rendering with Python jinja2, as Hugging Face renders.
    {name: "python3-jinja2", present: () => systemPythonImports("jinja2")}
];

function installSystemPackages() {
    const wanted = process.argv.includes("--test") ? [...systemPackages, ...testPackages] : systemPackages;
    const missing = wanted.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
    if (missing.length === 0)
        return;

    if (process.getuid?.() !== 0 || !commandExists("apt-get")) {
        log(`missing system packages: ${missing.join(" ")}. Install them with: sudo apt-get install ${missing.join(" ")}`);
        process.exit(1);
    }
    log(`installing system packages: ${missing.join(" ")}`);
    const env = {...process.env, DEBIAN_FRONTEND: "noninteractive"};
    run("apt-get", ["update", "-q"], {env});
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {env});
}

function installNodeModules() {
    const lockFile = path.join(root, "package-lock.json");
    const installedLock = path.join(root, "node_modules", ".package-lock.json");
    const upToDate = fs.existsSync(installedLock) && fs.statSync(installedLock).mtimeMs >= fs.statSync(lockFile).mtimeMs;
    if (upToDate)
        return;

    log("installing npm dependencies (npm install, pinned by package-lock.json)");
    // better-sqlite3 compiles from source here; node-gyp finds Node's headers under /usr without a download.
    const env = {...process.env};
    if (env.npm_config_nodedir == null && fs.existsSync("/usr/include/node/node.h"))
        env.npm_config_nodedir = "/usr";
    // Not `npm ci`: npm 11 leaves node-llama-cpp's other-platform optional packages out of the lock
    // file and then `npm ci` rejects that same file as out of sync. `npm install` honours the lock.
    run("npm", ["install", "--no-audit", "--no-fund"], {env});
}

function build() {
    log("building (tsc)");
    run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
}

installSystemPackages();
installNodeModules();
build();
