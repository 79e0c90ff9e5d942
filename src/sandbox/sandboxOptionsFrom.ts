import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {BubblewrapSandboxOptions} from "./BubblewrapSandbox.js";

/** The one place the configuration becomes sandbox options: one warm interpreter per parallel generation. */
export function sandboxOptionsFrom(config: KotaeConfig): BubblewrapSandboxOptions {
    return {
        poolSize: config.sequences,
        python: config.python,
        unsafeUnsandboxedPython: config.unsafeUnsandboxedPython,
        limits: {
            executionSeconds: config.tirExecutionSeconds,
            outputChars: config.tirOutputChars,
            memoryMiB: config.sandboxMemoryMiB,
            processes: config.sandboxProcesses,
            fileSizeMiB: config.sandboxFileSizeMiB,
            openFiles: config.sandboxOpenFiles
        }
    };
}
