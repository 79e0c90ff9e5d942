import {chatmlChatTemplate, llama31ChatTemplate} from "./chatTemplates.js";
import type {ModelProfileDefinition, PromptFormat, SamplingSettings} from "./ModelProfile.js";

// Every prompt text below that a model card gives is copied from the card byte for byte (tests/unit/
// modelCards.test.ts reads the cards in ../shared/seeds and compares): a fine-tune answers best in exactly
// the format it was trained on. Texts no card gives are Kotae's own and say so.

/** acro-yamalex-llmjp-4-math-cot card, 使い方: the instruction line of its raw prompt. */
const llmjpInstruction =
    "あなたは熟練した数学の専門家であり、注意深い問題解決者です。与えられた数学の問題に対して、ステップバイステップで思考し、最終的な答えを \\boxed{...} で示してください。";

/**
 * Kotae's own Japanese instruction for the acro TIR model: its card is not among the seeds and the
 * OpenMathReasoning recipe's TIR prompt is English, so this wording is attested nowhere. Override
 * `tools.prompt` in the config file with the TIR card's prompt once you have it.
 */
const llmjpTirInstruction =
    "あなたは熟練した数学の専門家であり、注意深い問題解決者です。与えられた数学の問題に対して、自然言語による推論とPythonコードの実行を組み合わせてステップバイステップで思考し、最終的な答えを \\boxed{...} で示してください。";

/**
 * llm-jp-4-8b-instruct-sansu card, How to use: its system prompt (the Python literals joined, ASCII
 * parentheses as written). The card asks for no \boxed{}; the answer is then found by phrase.
 */
const sansuSystem = "あなたは中学受験算数を教える先生です。"
    + "問題文を読み、小学生にもわかるように、算数の手法(つるかめ算・差集め算・"
    + "面積図・線分図・比など)を使って段階的に解説してください。"
    + "文字式・方程式・代数(x, y などの未知数を立てる方法)は使わないでください。";

/**
 * The sansu style on the other profiles: the sansu card's teaching instruction, plus each model's own
 * request for a \boxed{} answer so its answer can still be checked (Kotae's combination, attested nowhere).
 */
const sansuInstruction = `${sansuSystem}最終的な答えを \\boxed{...} で示してください。`;
const sansuToolInstruction = `${sansuSystem}計算には Python のコードを使えます。最終的な答えを \\boxed{...} で示してください。`;

/** Llama-3.1-Swallow-8B OpenMath FT card, Python での直接推論: SYSTEM_PROMPT (`\\boxed` in Python is one backslash). */
const swallowSystem = `あなたは数学の問題を解く優秀なAIアシスタントです。ステップバイステップで考え、Pythonコードを使って計算し、最終的な答えを明示してください。

回答は以下のフォーマットに従ってください:
1. Pythonコードは <llm-code> と </llm-code> タグで囲んでください
2. コードの実行結果は <llm-code-output> と </llm-code-output> タグで囲んでください
3. 最終的な答えは \\boxed{答え} の形式で明示してください`;

/** The acro model's raw prompt around an instruction line, and how a follow-up continues it. */
function llmjpPrompt(instruction: string): PromptFormat {
    return {format: "raw", template: `${instruction}\n### 指示:\n{problem}\n### 応答:\n`, followUpTemplate: "\n### 指示:\n{problem}\n### 応答:\n"};
}

const thinkTags = {open: "<think>", close: "</think>", startsInside: false} as const;

/**
 * Sampling as the cards' `model.generate(...)` calls give it; what a card leaves out is Hugging Face's
 * `generate` default (top_k 50, top_p 1.0, no min_p, no repetition penalty), since that is what the
 * card's numbers were produced with.
 */
const huggingFaceDefaults = {topP: 1, topK: 50, minP: 0, repeatPenalty: 1} as const;

/** acro CoT card: `max_new_tokens=2048, temperature=0.7`. */
const acroCotSampling: SamplingSettings = {...huggingFaceDefaults, temperature: 0.7, maxTokens: 2048};

/** The standard style: the profile's own prompts. */
const standard = {standard: {description: "the model's own instruction"}} as const;

/** OpenMathReasoning's TIR format (NeMo-Skills `prompt/code_tags/openmath.yaml` and `code_execution/utils.py`). */
const openMathTirTags = {
    // The model writes a fenced block inside <tool_call>; generation stops at </tool_call> itself and the
    // closing fence is left out of the code that runs.
    codeOpen: "<tool_call>\n```python\n",
    codeClose: "</tool_call>",
    outputOpen: "\n```output\n",
    outputClose: "\n```\n",
    // `add_remaining_code_executions`: a ```system block after every output, as in the training data.
    executionsNotice: {
        remaining: "```system\nRemaining code executions: {remaining}. You will not be able to call code when you run out of executions, "
            + "so use it wisely. Note that you can still continue solving the problem without code after that.\n```\n",
        exhausted: "```system\nYou have run out of code executions! You can no longer write or execute code. "
            + "Now you should continue solving the problem by relying on your mathematical reasoning and analytical skills.\n```\n"
    }
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
        description: "acro-yamalex-llmjp-4-math-cot (llm-jp-4-8b): the card's ### 指示 / ### 応答 prompt, <think> reasoning, \\boxed{} answer",
        prompt: llmjpPrompt(llmjpInstruction),
        thinking: thinkTags,
        stop: ["\n### 指示:"],
        sampling: acroCotSampling,
        styles: {
            ...standard,
            sansu: {description: "中学受験の算数の解き方（文字式なし）", prompt: llmjpPrompt(sansuInstruction)}
        },
        defaultStyle: "standard"
    },
    "llmjp-math-tir": {
        description: "acro-yamalex-llmjp-4-math-tir (llm-jp-4-8b): OpenMathReasoning TIR, Python in <tool_call> blocks with ```output results",
        prompt: llmjpPrompt(llmjpInstruction),
        thinking: thinkTags,
        tools: {...openMathTirTags, prompt: llmjpPrompt(llmjpTirInstruction)},
        stop: ["\n### 指示:"],
        // The CoT card's sampling; the budget is larger on purpose: it covers every continuation after a
        // code execution (outputs included in the context), where the card's 2048 is one generate call.
        sampling: {...acroCotSampling, maxTokens: 4096},
        styles: {
            ...standard,
            sansu: {description: "中学受験の算数の解き方（文字式なし）", prompt: llmjpPrompt(sansuInstruction), toolsPrompt: llmjpPrompt(sansuToolInstruction)}
        },
        defaultStyle: "standard"
    },
    "swallow-openmath": {
        description: "Llama-3.1-Swallow-8B OpenMath FT: the card's system prompt, Llama 3.1 chat template, Python in <llm-code>, results in <llm-code-output>",
        // One prompt for both modes, as on the card: its "without the pipeline" number (20.0%) is the same
        // prompt with nothing executed, which is Kotae's cot mode.
        prompt: {format: "chat", system: swallowSystem, chatTemplate: llama31ChatTemplate},
        tools: {
            // The card's example output: "…<llm-code>\n…\n</llm-code><llm-code-output>\n5\n</llm-code-output>\n…".
            codeOpen: "<llm-code>",
            codeClose: "</llm-code>",
            outputOpen: "<llm-code-output>\n",
            outputClose: "\n</llm-code-output>\n"
        },
        stop: [],
        // The card gives only max_new_tokens=512 (greedy unless the model's generation_config samples).
        // Kotae samples with Llama 3.1's generation_config (temperature 0.6, top_p 0.9) so self-consistency
        // votes can differ, and allows 1024 tokens because its budget spans every continuation after a run.
        sampling: {...huggingFaceDefaults, temperature: 0.6, topP: 0.9, maxTokens: 1024},
        styles: {
            ...standard,
            sansu: {description: "中学受験の算数の解き方（文字式なし）", prompt: {format: "chat", system: `${sansuSystem}\n\n${swallowSystem}`, chatTemplate: llama31ChatTemplate}}
        },
        defaultStyle: "standard"
    },
    "sansu": {
        description: "llm-jp-4-8b-instruct-sansu: 中学受験 算数 explanations (つるかめ算, 線分図, 面積図, 比), no algebra; the card's system prompt",
        // No chatTemplate: the llm-jp-4 instruct template could not be checked against its source here, and a
        // guessed one would cost accuracy. GGUF conversions carry it; a file without one is refused by name.
        prompt: {format: "chat", system: sansuSystem},
        stop: [],
        // sansu card: `max_new_tokens=512, temperature=0.3`.
        sampling: {...huggingFaceDefaults, temperature: 0.3, maxTokens: 512},
        styles: {sansu: {description: "the card's own instruction"}},
        defaultStyle: "sansu"
    },
    "generic-chatml": {
        description: "Any instruct GGUF with a chat template (ChatML when the file has none): step-by-step solution, optional ```python tool use, answer in \\boxed{}",
        prompt: {
            format: "chat",
            system: "You are a careful mathematics tutor. Solve the problem step by step in the language of the question, "
                + "and put the final answer in \\boxed{}.",
            chatTemplate: chatmlChatTemplate
        },
        thinking: thinkTags,
        tools: {
            ...fencedTags,
            prompt: {
                format: "chat",
                system: "You are a careful mathematics tutor. Solve the problem step by step in the language of the question. "
                    + "You may run Python (sympy and numpy are available): write code in a ```python block and its output "
                    + "is returned in a ```output block. Put the final answer in \\boxed{}.",
                chatTemplate: chatmlChatTemplate
            }
        },
        stop: [],
        sampling: {temperature: 0.2, topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.05, maxTokens: 2048},
        styles: {
            ...standard,
            sansu: {
                description: "中学受験の算数の解き方（文字式なし）",
                prompt: {format: "chat", system: sansuInstruction, chatTemplate: chatmlChatTemplate},
                toolsPrompt: {format: "chat", system: sansuToolInstruction, chatTemplate: chatmlChatTemplate}
            }
        },
        defaultStyle: "standard"
    }
};
