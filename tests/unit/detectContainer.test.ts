import fs from "node:fs";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {containerSandboxFix, detectContainer} from "../../src/sandbox/detectContainer.js";
import {temporaryDirectory} from "../support/testRuntime.js";

/** A root folder with the given files, as a container engine would leave them. */
function rootWith(files: Record<string, string>): string {
    const root = temporaryDirectory("kotae-root-");
    for (const [file, contents] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
        fs.writeFileSync(path.join(root, file), contents);
    }
    return root;
}

describe("detectContainer", () => {
    it("knows Docker by /.dockerenv, Podman by /run/.containerenv, others by init's cgroup (v1)", () => {
        expect(detectContainer(rootWith({".dockerenv": ""}))).toEqual({engine: "Docker", evidence: "/.dockerenv"});
        expect(detectContainer(rootWith({"run/.containerenv": "engine=\"podman-4.3.1\"\n"}))).toEqual({engine: "Podman", evidence: "/run/.containerenv"});
        expect(detectContainer(rootWith({"proc/1/cgroup": "12:pids:/kubepods/besteffort/pod1/abc\n"}))).toEqual({engine: "a container", evidence: "/proc/1/cgroup"});
    });

    it("finds none on a plain host (cgroup v2's 0::/, or v1 with systemd slices)", () => {
        expect(detectContainer(rootWith({"proc/1/cgroup": "0::/init.scope\n"}))).toBeUndefined();
        expect(detectContainer(rootWith({"proc/1/cgroup": "9:name=systemd:/init.scope\n8:pids:/\n"}))).toBeUndefined();
        expect(detectContainer(rootWith({}))).toBeUndefined();
    });

    it("gives the exact run options for the engine found", () => {
        expect(containerSandboxFix({engine: "Docker", evidence: "/.dockerenv"})).toBe("in Docker (/.dockerenv), bubblewrap needs the container started with " +
            "--security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined (compose.yaml: security_opt), " +
            "and on an Ubuntu 24.04+ host sysctl kernel.apparmor_restrict_unprivileged_userns=0");
        expect(containerSandboxFix({engine: "Podman", evidence: "/run/.containerenv"})).toContain("--security-opt unmask=ALL");
    });
});
