import fs from "node:fs";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";

// A file of its own: llama.cpp's logger is process-wide (node-llama-cpp sets it on the shared native binding),
// so this must be the first Llama of its process, as it is in `kotae serve`, where the runtime makes one.

const stories = path.join(sharedModels, "stories260K.gguf");

describe("LlamaCppBackend's log", () => {
    it("sends llama.cpp's own error lines to the log it is given, one trimmed line each", async () => {
        const truncated = path.join(temporaryDirectory(), "truncated.gguf");
        const whole = fs.readFileSync(stories);
        fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6))); // the header survives, the tensors do not
        const lines: string[] = [];
        const error = await LlamaCppBackend.create({
            model: truncated, modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 256, sequences: 1,
            log: (line) => lines.push(line)
        }).catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(/Could not load the model .*truncated\.gguf/);
        expect(lines).toContainEqual(expect.stringMatching(/^llama_model_load: error loading model: .*not within the file bounds/));
        expect(lines.every((line) => line !== "" && !line.endsWith("\n"))).toBe(true);
    });
});
