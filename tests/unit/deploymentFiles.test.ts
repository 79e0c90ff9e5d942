import fs from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {containerSandboxFix} from "../../src/sandbox/detectContainer.js";

// The container files are checked against the code they must agree with: no engine runs in CI, so a
// package dropped from the image or a security option the doctor asks for but compose lacks shows here.

const read = (file: string) => fs.readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), "utf8");
const dockerfile = read("Dockerfile");
const compose = read("compose.yaml");
const llamaServerCompose = read("compose.llama-server.yaml");

/** The Debian packages scripts/setup.mjs installs (its `systemPackages` list; the script runs when imported). */
function setupPackages(): string[] {
    const setup = read("scripts/setup.mjs");
    const list = /const systemPackages = \[([\s\S]*?)\n\];/.exec(setup)?.[1] ?? "";
    return [...list.matchAll(/\{name: "([^"]+)"/g)].map((match) => match[1]!);
}

/** Every package an `apt-get install` line of one Dockerfile stage names. */
function aptPackages(stage: string): string[] {
    return [...stage.matchAll(/apt-get install ([^&]+)/g)].flatMap((match) => match[1]!.split(/[\s\\]+/)).filter((word) => word !== "" && !word.startsWith("-"));
}

/** The `- item` lines under a key of the kotae service (compose.yaml's two-space nesting). */
function composeList(text: string, key: string): string[] {
    const block = new RegExp(`\\n    ${key}:\\n((?:      - .*\\n)+)`).exec(text)?.[1] ?? "";
    return [...block.matchAll(/ - (.*)/g)].map((match) => match[1]!.trim());
}

describe("Dockerfile", () => {
    const [buildStage = "", runtimeStage = ""] = dockerfile.split(/^FROM /m).slice(1);

    it("installs what scripts/setup.mjs installs: compilers in the build stage, the rest in the image", () => {
        const compilers = ["make", "g++"];
        expect(setupPackages().length).toBeGreaterThan(5);
        expect(setupPackages().filter((name) => !compilers.includes(name) && !aptPackages(runtimeStage).includes(name))).toEqual([]);
        expect(aptPackages(buildStage)).toEqual(expect.arrayContaining(compilers));
        expect(aptPackages(runtimeStage)).not.toContain("g++");
    });

    it("runs as a non-root user, keeps the database on a volume, checks /healthz and starts `kotae serve` under an init", () => {
        expect(buildStage).toMatch(/^node:20-bookworm-slim AS build/);
        expect(runtimeStage).toMatch(/^node:20-bookworm-slim\n/);
        expect(runtimeStage).toMatch(/^USER node$/m);
        expect(runtimeStage).toMatch(/^VOLUME \["\/data"\]$/m);
        expect(runtimeStage).toContain("KOTAE_DB=/data/kotae.sqlite");
        expect(runtimeStage).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
        expect(runtimeStage).toContain("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"node\", \"/app/bin/kotae.js\"]");
        expect(runtimeStage).toContain("CMD [\"serve\"]");
    });
});

describe("compose files", () => {
    it("give Kotae exactly the security options `kotae doctor` asks for in Docker", () => {
        const asked = [...containerSandboxFix({engine: "Docker", evidence: "/.dockerenv"}).matchAll(/--security-opt (\S+)/g)].map((match) => match[1]);
        expect(composeList(compose, "security_opt")).toEqual(asked);
    });

    it("point Kotae at vLLM, or at llama-server in the GGUF variant, through the openai backend", () => {
        expect(compose).toContain("KOTAE_BACKEND: openai");
        expect(compose).toContain("KOTAE_BACKEND_URLS: ${KOTAE_BACKEND_URLS:-http://vllm:8000/v1}");
        expect(compose).toMatch(/\n {2}vllm:\n {4}[\s\S]*driver: nvidia/);
        expect(llamaServerCompose).toMatch(/extends:\n {6}file: compose\.yaml\n {6}service: kotae/);
        expect(llamaServerCompose).toContain("KOTAE_BACKEND_URLS: ${KOTAE_BACKEND_URLS:-http://llama-server:8080/v1}");
    });
});
