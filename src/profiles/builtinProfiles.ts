import type {ModelProfileDefinition} from "./ModelProfile.js";

const llmjpInstruction =
    "あなたは熟練した数学の専門家であり、注意深い問題解決者です。与えられた数学の問題に対して、ステップバイステップで思考し、最終的な答えを \\boxed{...} で示してください。";

const llmjpTirInstruction =
    "あなたは熟練した数学の専門家であり、注意深い問題解決者です。与えられた数学の問題に対して、自然言語による推論とPythonコードの実行を組み合わせてステップバイステップで思考し、最終的な答えを \\boxed{...} で示してください。";

/** A follow-up question after the model's answer, in the same ### 指示 / ### 応答 format. */
const llmjpFollowUp = "\n### 指示:\n{problem}\n### 応答:\n";

const thinkTags = {open: "<think>", close: "</think>", startsInside: false} as const;

const reasoningSampling = {temperature: 0.6, topP: 0.95, topK: 20, minP: 0, repeatPenalty: 1, maxTokens: 4096} as const;
const instructSampling = {temperature: 0.2, topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.05, maxTokens: 2048} as const;

/** OpenMathReasoning-style code blocks: a fenced block inside <tool_call>, results in an "```output" fence. */
const toolCallTags = {
    codeOpen: "<tool_call>\n```python\n",
    codeClose: "```\n</tool_call>",
    outputOpen: "\n```output\n",
    outputClose: "\n```\n"
} as const;

/**
 * ToRA / Qwen2.5-Math-style bare fences: "```python" blocks, results in "```output". The closing tag
 * includes its newline, or it would already match the start of the opening "```python".
 */
const fencedTags = {
    codeOpen: "```python\n",
    codeClose: "```\n",
    outputOpen: "```output\n",
    outputClose: "\n```\n"
} as const;

/** The profiles Kotae ships. Users add or extend profiles in the config file (`profiles`). */
export const builtinProfiles: Readonly<Record<string, ModelProfileDefinition>> = {
    "llmjp-math-cot": {
        description: "llm-jp-4-8b math CoT fine-tune: ### 指示 / ### 応答 prompt, <think> reasoning, \\boxed{} answer",
        prompt: {format: "raw", template: `${llmjpInstruction}\n### 指示:\n{problem}\n### 応答:\n`, followUpTemplate: llmjpFollowUp},
        thinking: thinkTags,
        stop: ["\n### 指示:"],
        sampling: reasoningSampling,
        style: "standard"
    },
    "llmjp-math-tir": {
        description: "llm-jp-4-8b math TIR fine-tune: Python in <tool_call> blocks with ```output results",
        prompt: {format: "raw", template: `${llmjpInstruction}\n### 指示:\n{problem}\n### 応答:\n`, followUpTemplate: llmjpFollowUp},
        thinking: thinkTags,
        tools: {
            ...toolCallTags,
            prompt: {format: "raw", template: `${llmjpTirInstruction}\n### 指示:\n{problem}\n### 応答:\n`, followUpTemplate: llmjpFollowUp}
        },
        stop: ["\n### 指示:"],
        sampling: reasoningSampling,
        style: "standard"
    },
    "swallow-openmath": {
        description: "Llama-3.1-Swallow-8B math fine-tune: chat template, Python in <llm-code>, results in <llm-code-output>",
        prompt: {
            format: "chat",
            system: "あなたは優秀な数学の先生です。与えられた問題をステップバイステップで丁寧に解き、最終的な答えを \\boxed{} の中に書いてください。"
        },
        tools: {
            codeOpen: "<llm-code>",
            codeClose: "</llm-code>",
            outputOpen: "\n<llm-code-output>\n",
            outputClose: "\n</llm-code-output>\n",
            prompt: {
                format: "chat",
                system: "あなたは優秀な数学の先生です。与えられた問題をステップバイステップで丁寧に解いてください。"
                    + "計算には Python を使えます。コードを <llm-code> と </llm-code> の間に書くと、実行結果が"
                    + " <llm-code-output> と </llm-code-output> の間に返されます。最終的な答えを \\boxed{} の中に書いてください。"
            }
        },
        stop: [],
        sampling: {...instructSampling, maxTokens: 3072},
        style: "standard"
    },
    "sansu": {
        description: "Elementary-school 算数 explainer: 中学受験 methods (つるかめ算, 線分図, 面積図, 比), no algebra",
        prompt: {
            format: "chat",
            system: "あなたは中学受験の算数を教えるやさしい先生です。小学生にもわかる言葉で、つるかめ算・線分図・面積図・比などの"
                + "算数の考え方を使って、順を追って説明してください。方程式や x, y などの文字（未知数）は使わないでください。"
                + "最後に答えを \\boxed{} の中に書いてください。"
        },
        stop: [],
        sampling: instructSampling,
        style: "sansu"
    },
    "generic-chatml": {
        description: "Any instruct GGUF with a chat template: step-by-step solution, optional ```python tool use, answer in \\boxed{}",
        prompt: {
            format: "chat",
            system: "You are a careful mathematics tutor. Solve the problem step by step in the language of the question, "
                + "and put the final answer in \\boxed{}."
        },
        thinking: thinkTags,
        tools: {
            ...fencedTags,
            prompt: {
                format: "chat",
                system: "You are a careful mathematics tutor. Solve the problem step by step in the language of the question. "
                    + "You may run Python (sympy and numpy are available): write code in a ```python block and its output "
                    + "is returned in a ```output block. Put the final answer in \\boxed{}."
            }
        },
        stop: [],
        sampling: instructSampling,
        style: "standard"
    }
};
