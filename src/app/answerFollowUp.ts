import type {KotaeRuntime} from "./KotaeRuntime.js";
import {localize} from "../i18n/messages.js";
import type {Requester} from "../domain/Requester.js";
import type {RenderedImage} from "../render/RenderRequest.js";
import type {ThemeName} from "../render/RenderTheme.js";
import {solutionSource} from "./solutionSource.js";

/**
 * A follow-up question answered by the engine: the reply text (or the localised failure), and, when the
 * reply has math (unreadable as chat text), up to four rendered pages of it.
 */
export async function answerFollowUp(runtime: KotaeRuntime, question: {
    interactionId: number, profile: string, question: string, requester: Requester, theme: ThemeName
}): Promise<{text: string, images: readonly RenderedImage[]}> {
    let text: string | undefined;
    let failure: string | undefined;
    for await (const event of runtime.engine.followUp({interactionId: question.interactionId, question: question.question, requester: question.requester})) {
        if (event.type === "replied") text = event.text;
        if (event.type === "failed") failure = localize(event.code, question.requester.locale, event.params);
    }
    if (text == null || !/[$\\]/.test(text))
        return {text: text ?? failure ?? "", images: []};
    const rendered = await runtime.renderer.render({
        kind: "solution", theme: question.theme, ...(question.requester.locale != null ? {locale: question.requester.locale} : {}),
        solution: solutionSource(runtime.profiles, question.profile, text)
    });
    return {text, images: rendered.images.slice(0, 4)};
}
