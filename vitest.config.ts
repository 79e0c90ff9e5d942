import {defineConfig} from "vitest/config";

/** Every test file removes the temporary folders it made (tests/support/removeTemporaryDirectories.ts). */
const setupFiles = ["tests/support/removeTemporaryDirectories.ts"];

export default defineConfig({
    test: {
        projects: [{
            test: {
                name: "standalone",
                setupFiles,
                include: ["tests/unit/**/*.test.ts"],
                testTimeout: 10_000
            }
        }, {
            // Needs the real GGUF files in ../shared/models and runs the real node-llama-cpp on CPU.
            test: {
                name: "model",
                setupFiles,
                include: ["tests/model/**/*.test.ts", "tests/cli/**/*.test.ts"],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false
            }
        }, {
            // The real renderer (MathJax 4 + sharp in the built worker, dist/) with the Noto CJK fonts; golden images.
            test: {
                name: "render",
                setupFiles,
                include: ["tests/render/**/*.test.ts"],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false
            }
        }, {
            // The real discord.js client against the fake Discord in tests/support/fakeDiscord, on loopback.
            test: {
                name: "discord",
                setupFiles,
                include: ["tests/discord/**/*.test.ts"],
                testTimeout: 30_000,
                hookTimeout: 30_000,
                fileParallelism: false
            }
        }, {
            // The real @slack/bolt app (HTTP mode and Socket Mode) against the fake Slack in tests/support/fakeSlack, on loopback.
            test: {
                name: "slack",
                setupFiles,
                include: ["tests/slack/**/*.test.ts"],
                testTimeout: 30_000,
                hookTimeout: 30_000,
                fileParallelism: false
            }
        }, {
            // The local web app in Debian's headless Chromium (playwright-core, no browser download), on loopback.
            test: {
                name: "web",
                setupFiles,
                include: ["tests/web/**/*.test.ts"],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false
            }
        }, {
            // Runs real bubblewrap and /usr/bin/python3 with sympy and numpy (see scripts/setup.mjs). After
            // the other projects, not beside them: its timing checks need the cores, and its checks that
            // nothing is left running would see another project's sandboxes.
            test: {
                name: "sandbox",
                setupFiles,
                sequence: {groupOrder: 1},
                include: ["tests/sandbox/**/*.test.ts", "tests/tir/**/*.test.ts"],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false
            }
        }]
    }
});
