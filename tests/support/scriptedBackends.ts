import {OpenAiScriptedBackend} from "./fakeOpenAi/OpenAiScriptedBackend.js";
import {ScriptedBackend} from "./ScriptedBackend.js";

/**
 * Every way the engine meets a model, for suites that run against each: in-process, and over an inference
 * server of each kind (vLLM stops at `stop` and names it; llama-server leaves stop texts to Kotae's scanner).
 */
export const scriptedBackends: ReadonlyArray<readonly [string, typeof ScriptedBackend]> = [
    ["in-process backend", ScriptedBackend],
    ["openai backend on vLLM", OpenAiScriptedBackend],
    ["openai backend on llama-server", class extends OpenAiScriptedBackend {
        public constructor(...[scripts, parallelism, options]: ConstructorParameters<typeof ScriptedBackend>) {
            super(scripts, parallelism, {...options, flavour: "llama-server"});
        }
    }]
];
