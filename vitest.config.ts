import {defineConfig} from "vitest/config";

export default defineConfig({
    test: {
        projects: [{
            test: {
                name: "standalone",
                include: ["tests/unit/**/*.test.ts"],
                testTimeout: 10_000
            }
        }, {
            // Needs the real GGUF files in ../shared/models and runs the real node-llama-cpp on CPU.
            test: {
                name: "model",
                include: ["tests/model/**/*.test.ts", "tests/cli/**/*.test.ts"],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false
            }
        }]
    }
});
