import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {OpenAiBackendOptions} from "../llm/openai/OpenAiBackend.js";

/** Completions the engine's queue runs at once: the in-process sequences, or every server's slots. */
export function parallelCompletions(config: KotaeConfig): number {
    return config.backend === "openai" ? backendUrls(config).length * config.backendParallel : config.sequences;
}

/** The openai backend's options from the KOTAE_BACKEND_* settings. */
export function openAiBackendOptions(config: KotaeConfig): OpenAiBackendOptions {
    return {
        urls: backendUrls(config),
        parallel: config.backendParallel,
        contextSize: config.contextSize,
        ...(config.backendModel != null ? {model: config.backendModel} : {}),
        ...(config.backendApiKey != null ? {apiKey: config.backendApiKey} : {})
    };
}

function backendUrls(config: KotaeConfig): string[] {
    return (config.backendUrls ?? "").split(",").map((url) => url.trim()).filter((url) => url !== "");
}
