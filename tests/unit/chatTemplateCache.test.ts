import {describe, expect, it} from "vitest";
import {ChatTemplateCache} from "../../src/llm/ChatTemplateCache.js";
import {isKotaeError} from "../../src/errors/ErrorCode.js";

const template = "{{ bos_token }}{% for message in messages %}[{{ message.role }}]{{ message.content }}{{ eos_token }}{% endfor %}[assistant]";
const messages = [{role: "user", content: "1+1は?"}] as const;

describe("ChatTemplateCache", () => {
    it("renders a template with the special-token texts of each call, not those it was first parsed with", () => {
        const cache = new ChatTemplateCache();
        expect(cache.render(messages, template, {}).toText()).toBe("[user]1+1は?[assistant]");
        // The openai backend learns bos_token once a server answers: later prompts must carry it.
        expect(cache.render(messages, template, {bos_token: "<s>"}).toText()).toBe("<s>[user]1+1は?[assistant]");
        expect(cache.render(messages, template, {bos_token: "<s>", eos_token: "</s>"}).toText()).toBe("<s>[user]1+1は?</s>[assistant]");
        expect(cache.render(messages, template, {}).toText()).toBe("[user]1+1は?[assistant]");
    });

    it("keeps each source apart, and reports one that does not parse every time it is asked for", () => {
        const cache = new ChatTemplateCache();
        expect(cache.render(messages, "{{ messages[0].content }}", {}).toText()).toBe("1+1は?");
        expect(cache.render(messages, "<{{ messages[0].role }}>", {}).toText()).toBe("<user>");
        for (let attempt = 0; attempt < 2; attempt++) {
            let error: unknown;
            try {
                cache.render(messages, "{% for %}", {});
            } catch (caught) {
                error = caught;
            }
            expect(isKotaeError(error) && error.code).toBe("chat_template_invalid");
        }
    });
});
