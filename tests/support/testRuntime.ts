import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {Engine, type EngineOptions} from "../../src/engine/Engine.js";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import type {LlmBackend} from "../../src/llm/LlmBackend.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import type {ProcessOwner} from "../../storage/ProcessOwner.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";

export const sharedModels = fileURLToPath(new URL("../../../shared/models", import.meta.url));

/** Folders made by temporaryDirectory() in this test file (each file has its own module instance). */
const temporaryDirectories = new Set<string>();

/** A fresh folder under the OS's temporary directory, removed after the test file (see removeTemporaryDirectories). */
export function temporaryDirectory(prefix = "kotae-test-"): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporaryDirectories.add(directory);
    return directory;
}

/** Removes every folder this test file made; the vitest setup file `removeTemporaryDirectories.ts` runs it after each file. */
export function removeTemporaryDirectories(): void {
    for (const directory of temporaryDirectories) {
        fs.rmSync(directory, {recursive: true, force: true});
        temporaryDirectories.delete(directory);
    }
}

/** A real SQLite file in a fresh temporary folder (or `file`), written as this process or as `owner`. */
export function temporaryStore(file = path.join(temporaryDirectory(), "kotae.sqlite"), owner?: ProcessOwner): KotaeStore {
    return new KotaeStore(file, Pseudonymizer.fromSecret("test-secret-key-0123456789"), owner);
}

/** An earlier process that had this pid: killed, its number since reused (by this test process). */
export const goneProcess: ProcessOwner = {pid: process.pid, startMark: "a process that has since exited"};

export function testEngine(backend: LlmBackend | Promise<LlmBackend>, overrides: Partial<EngineOptions> = {}): {engine: Engine, store: KotaeStore} {
    const store = overrides.store ?? temporaryStore();
    const engine = new Engine({
        backend,
        store,
        profiles: new ProfileRegistry(),
        defaultProfile: "llmjp-math-cot",
        defaultMode: "cot",
        concurrency: 1,
        queueCapacity: 8,
        maxPendingPerUser: 4,
        maxProblemChars: 200,
        sandbox: () => Promise.reject(new KotaeError(ErrorCode.TirUnavailable, "No sandbox in this test")),
        samples: 1,
        tirLimits: {maxExecutions: 8, maxSeconds: 60},
        failuresBeforeFallback: 3,
        ...overrides
    });
    return {engine, store};
}

export async function collect<Event = EngineEvent>(events: AsyncIterable<Event>): Promise<Event[]> {
    const collected: Event[] = [];
    for await (const event of events)
        collected.push(event);
    return collected;
}

export const alice = {platform: "discord", userId: "111111111111", workspaceId: "g1", channelId: "c1", locale: "ja"} as const;
export const bob = {platform: "discord", userId: "222222222222", workspaceId: "g1", channelId: "c1", locale: "en-US"} as const;
