import fs from "node:fs";
import path from "node:path";

/** The container Kotae runs in, and the file that showed it. */
export type Container = {readonly engine: "Docker" | "Podman" | "a container", readonly evidence: string};

/** Engines' names in /proc/1/cgroup (cgroup v1; under v2 a container sees only "0::/"). */
const containerCgroup = /docker|kubepods|containerd|libpod|lxc/;

/**
 * Whether this process runs in a container, from the marks engines leave: Docker's /.dockerenv,
 * Podman's /run/.containerenv, or an engine's name in init's cgroup. `root` is for tests.
 */
export function detectContainer(root = "/"): Container | undefined {
    const at = (file: string) => path.join(root, file);
    if (fs.existsSync(at(".dockerenv")))
        return {engine: "Docker", evidence: "/.dockerenv"};
    if (fs.existsSync(at("run/.containerenv")))
        return {engine: "Podman", evidence: "/run/.containerenv"};
    let cgroup = "";
    try {
        cgroup = fs.readFileSync(at("proc/1/cgroup"), "utf8");
    } catch {
        // No /proc (or not Linux): nothing to tell.
    }
    return containerCgroup.test(cgroup) ? {engine: "a container", evidence: "/proc/1/cgroup"} : undefined;
}

/**
 * What bubblewrap needs from the container it runs in: user namespaces, which Docker's default seccomp
 * profile refuses (unshare, clone with CLONE_NEWUSER); mounts, which its AppArmor profile refuses; and a
 * fresh /proc, which the kernel refuses while /proc has the engine's masked paths over it. Each is a
 * run option; see the README's "Docker" for why these and not --privileged.
 */
export function containerSandboxFix(container: Container): string {
    // Podman's name for Docker's systempaths=unconfined is unmask=ALL.
    const unmask = container.engine === "Podman" ? "unmask=ALL" : "systempaths=unconfined";
    return `in ${container.engine} (${container.evidence}), bubblewrap needs the container started with ` +
        `--security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt ${unmask} ` +
        "(compose.yaml: security_opt), and on an Ubuntu 24.04+ host sysctl kernel.apparmor_restrict_unprivileged_userns=0";
}
