import {JinjaChatTemplate, type SpecialTokenTexts} from "./JinjaChatTemplate.js";
import type {ChatMessage} from "./LlmBackend.js";
import type {Prompt} from "./Prompt.js";

/**
 * A backend's parsed chat templates (the model file's and the profiles' fall-backs), each parsed once per
 * set of special-token texts it renders with: parsing a Jinja template costs more than rendering it.
 */
export class ChatTemplateCache {
    private readonly templates = new Map<string, JinjaChatTemplate>();

    /** `messages` rendered with the template `source`, the assistant turn opened (see JinjaChatTemplate). */
    public render(messages: readonly ChatMessage[], source: string, specialTokens: SpecialTokenTexts): Prompt {
        const key = JSON.stringify([specialTokens.bos_token ?? null, specialTokens.eos_token ?? null, source]);
        let template = this.templates.get(key);
        if (template == null) {
            template = new JinjaChatTemplate(source, specialTokens);
            this.templates.set(key, template);
        }
        return template.render(messages);
    }
}
