import {describe, expect, it} from "vitest";
import {JinjaChatTemplate} from "../../src/llm/JinjaChatTemplate.js";
import type {PromptFormat} from "../../src/profiles/ModelProfile.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import {renderPrompt} from "../../src/profiles/renderPrompt.js";
import {acroBoxedRequest, acroCardPromptFor, generateArguments, modelCards, pythonStringAssignment, readModelCard} from "../support/modelCards.js";

// Every expected string here is read from the model cards in ../shared/seeds, never copied from Kotae:
// a fine-tune answers best in exactly the format it was trained on.

const registry = new ProfileRegistry();
/** A model file without a template: the profile's family template is what renders. */
const noTemplateFile = {path: "/models/converted-without-template.gguf"};
const formatter = {
    model: noTemplateFile,
    formatChat: (messages: Parameters<JinjaChatTemplate["render"]>[0], template: string) => new JinjaChatTemplate(template, {bos_token: "<|begin_of_text|>"}).render(messages)
};

function systemOf(format: PromptFormat): string {
    if (format.format !== "chat")
        throw new Error("expected a chat prompt");
    return format.system;
}

describe("acro-yamalex-llmjp-4-math-cot card", () => {
    const card = readModelCard(modelCards.acroCot);

    it("llmjp-math-cot renders the card's prompt byte for byte", () => {
        const cardPrompt = pythonStringAssignment(card, "prompt");
        const problem = /### 指示:\n(.*)\n/.exec(cardPrompt)?.[1];
        expect(problem).toBe("1から100までの自然数の和を求めてください。");
        expect(renderPrompt(registry.get("llmjp-math-cot"), {withTools: false}, problem!, formatter).toText()).toBe(cardPrompt);
        // The TIR model's text-reasoning prompt is its CoT predecessor's.
        expect(renderPrompt(registry.get("llmjp-math-tir"), {withTools: false}, problem!, formatter).toText()).toBe(cardPrompt);
    });

    it("samples as the card's generate call does (temperature 0.7, 2048 new tokens)", () => {
        const generate = generateArguments(card);
        expect(generate).toEqual({max_new_tokens: 2048, temperature: 0.7});
        expect(registry.get("llmjp-math-cot").sampling).toMatchObject({temperature: generate["temperature"], maxTokens: generate["max_new_tokens"]});
    });

    it("splits <think> as the card's output format shows it", () => {
        expect(card).toContain("`<think>`タグで囲まれた思考過程");
        expect(registry.get("llmjp-math-cot").thinking).toEqual({open: "<think>", close: "</think>", startsInside: false});
    });
});

describe("Llama-3.1-Swallow-8B OpenMath card", () => {
    const card = readModelCard(modelCards.swallow);

    it("swallow-openmath's system prompt is the card's SYSTEM_PROMPT, in both modes", () => {
        const cardSystem = pythonStringAssignment(card, "SYSTEM_PROMPT");
        expect(cardSystem).toContain("\\boxed{答え}");
        expect(cardSystem).not.toContain("\\\\");
        const profile = registry.get("swallow-openmath");
        expect(systemOf(profile.prompt)).toBe(cardSystem);
        expect(profile.tools?.prompt).toBeUndefined();
    });

    it("renders the card's messages through the Llama 3.1 template with the generation prompt opened, no date injected", () => {
        const cardSystem = pythonStringAssignment(card, "SYSTEM_PROMPT");
        const question = pythonStringAssignment(card, "question");
        const text = renderPrompt(registry.get("swallow-openmath"), {withTools: true}, question, formatter).toText();
        expect(text).toBe("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
            + cardSystem + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n" + question + "<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    });

    it("uses the card's code tags with no newline between </llm-code> and <llm-code-output>", () => {
        const example = /<\/llm-code>(<llm-code-output>\n)5(\n<\/llm-code-output>\n)/.exec(card);
        expect(registry.get("swallow-openmath").tools).toMatchObject({
            codeOpen: "<llm-code>", codeClose: "</llm-code>", outputOpen: example?.[1], outputClose: example?.[2]
        });
    });
});

describe("llm-jp-4-8b-instruct-sansu card", () => {
    const card = readModelCard(modelCards.sansu);

    it("sansu's system prompt is the card's, ASCII parentheses and all", () => {
        const cardSystem = pythonStringAssignment(card, "system");
        expect(cardSystem).toContain("算数の手法(つるかめ算・差集め算・面積図・線分図・比など)を使って");
        expect(systemOf(registry.get("sansu").prompt)).toBe(cardSystem);
    });

    it("samples as the card's generate call does (temperature 0.3, 512 new tokens)", () => {
        const generate = generateArguments(card);
        expect(generate).toEqual({max_new_tokens: 512, temperature: 0.3});
        expect(registry.get("sansu").sampling).toMatchObject({temperature: 0.3, maxTokens: 512});
    });

    it("the sansu style on another profile keeps that model's format and tags, with the card's teaching instruction", () => {
        const cardSystem = pythonStringAssignment(card, "system");
        // The acro card's layout, its instruction line the sansu card's teaching text plus the acro card's own \boxed{} request.
        const cot = registry.get("llmjp-math-cot");
        const text = renderPrompt(cot, {style: "sansu", withTools: false}, "つるかめ算の問題", formatter).toText();
        expect(text).toBe(acroCardPromptFor("つるかめ算の問題", cardSystem + acroBoxedRequest()));
        // With tools the instruction is Kotae's own (no card gives one): still the card's teaching text first, the acro layout, and \boxed{}.
        const tir = registry.get("llmjp-math-tir");
        const withTools = renderPrompt(tir, {style: "sansu", withTools: true}, "x", formatter).toText();
        expect(withTools.startsWith(cardSystem)).toBe(true);
        const toolsInstruction = withTools.slice(0, withTools.indexOf("\n### 指示:"));
        expect(toolsInstruction.endsWith(acroBoxedRequest())).toBe(true);
        expect(withTools).toBe(acroCardPromptFor("x", toolsInstruction));
    });
});
