import {OpenAiScriptedBackend} from "./fakeOpenAi/OpenAiScriptedBackend.js";
import {ScriptedBackend} from "./ScriptedBackend.js";

/** Both ways the engine meets a model, for suites that run against each: in-process, and over an inference server. */
export const scriptedBackends: ReadonlyArray<readonly [string, typeof ScriptedBackend]> = [
    ["in-process backend", ScriptedBackend],
    ["openai backend", OpenAiScriptedBackend]
];
