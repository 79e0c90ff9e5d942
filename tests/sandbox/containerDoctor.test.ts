import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {beforeAll, describe, expect, it} from "vitest";
import {containerSandboxFix} from "../../src/sandbox/detectContainer.js";
import {assertBuilt} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The folders kotae reads from: the checkout's parent (for ../shared) and wherever node_modules really lives. */
function codeFolders(): string[] {
    const folders = [path.dirname(root), path.dirname(fs.realpathSync(path.join(root, "node_modules")))];
    return [...new Set(folders)].filter((folder, _index, all) => !all.some((other) => other !== folder && folder.startsWith(`${other}/`)));
}

/** /bin, /lib, … as the host has them: symlinks into /usr on merged-/usr systems, else read-only binds. */
function topLevelSystemFolders(): string[] {
    return ["bin", "sbin", "lib", "lib32", "lib64", "libx32"].flatMap((name) => {
        const stat = fs.lstatSync(`/${name}`, {throwIfNoEntry: false});
        return stat?.isSymbolicLink() ? ["--symlink", fs.readlinkSync(`/${name}`), `/${name}`] : stat?.isDirectory() ? ["--ro-bind", `/${name}`, `/${name}`] : [];
    });
}

/**
 * Runs the compiled `kotae` as a Docker container with the default confinement would: an unprivileged
 * user (uid 1000, like the image's `node`) that may not make user namespaces, with Docker's /.dockerenv
 * in a root of its own. bubblewrap makes that world itself (--disable-userns: no nested namespaces).
 */
function kotaeInConfinedContainer(args: string[], env: Record<string, string>) {
    const work = temporaryDirectory("kotae-container-");
    const result = spawnSync("bwrap", [
        "--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns", "--die-with-parent",
        "--tmpfs", "/", "--ro-bind", "/usr", "/usr", ...topLevelSystemFolders(), "--ro-bind", "/etc", "/etc",
        ...codeFolders().flatMap((folder) => ["--ro-bind", folder, folder]),
        "--bind", work, work, "--proc", "/proc", "--dev", "/dev",
        "--ro-bind", "/dev/null", "/.dockerenv",
        "--chdir", work, "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", work,
        ...Object.entries({KOTAE_DB: path.join(work, "kotae.sqlite"), ...env}).flatMap(([name, value]) => ["--setenv", name, value]),
        "--", process.execPath, path.join(root, "bin", "kotae.js"), ...args
    ], {encoding: "utf8", timeout: 50_000, killSignal: "SIGKILL"});
    if (result.error != null)
        throw new Error(`kotae ${args.join(" ")} in the container: ${result.error.message}\n${result.stdout}\n${result.stderr}`);
    return result;
}

beforeAll(assertBuilt);

describe("kotae in a container whose confinement stops bubblewrap", () => {
    const fix = containerSandboxFix({engine: "Docker", evidence: "/.dockerenv"});

    it("doctor says it is in Docker and prints the exact run options the sandbox needs", () => {
        const result = kotaeInConfinedContainer(["doctor", "--json"], {KOTAE_GPU: "off", KOTAE_MODE: "tir"});
        const checks = JSON.parse(result.stdout) as Array<{name: string, status: string, detail: string, fix?: string}>;
        expect(checks.find((check) => check.name === "Python sandbox")).toEqual({
            name: "Python sandbox", status: "fail", detail: expect.stringMatching(/bwrap: .*namespace/i) as string, fix
        });
        expect(checks.map((check) => check.name)).not.toContain("Sandbox hardening");
        expect(result.status).toBe(1);
    });

    it("sandbox exec exits 2 with the same fix, in one line after the problem", () => {
        const result = kotaeInConfinedContainer(["sandbox", "exec", "-"], {});
        expect(result.stderr).toMatch(new RegExp(`^kotae: The Python sandbox is unavailable: .*namespace.*\\n {2}→ ${fix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`, "i"));
        expect(result.status).toBe(2);
    });
});
