import type {InteractionRecord} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import type {TurnRecord} from "../domain/ConversationTurn.js";
import type {Engine} from "../engine/Engine.js";
import type {FollowUpEvent} from "../engine/EngineEvent.js";
import {localize} from "../i18n/messages.js";
import type {RenderedImage} from "../render/RenderRequest.js";
import type {ThemeName} from "../render/RenderTheme.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {AnswerActions} from "./AnswerActions.js";

/**
 * Follow-up questions about an answer: its thread is remembered when a platform opens one, a message in
 * that thread finds the answer again, and the engine continues the conversation.
 */
export class FollowUps {
    public constructor(private readonly engine: Engine, private readonly store: KotaeStore, private readonly answers: AnswerActions) {}

    /** Remembers the thread (a platform's own id for it) where an answer's follow-ups go. */
    public threadOpened(interactionId: number, threadId: string): void {
        this.store.interactions.setThread(interactionId, threadId);
    }

    /** The answer whose thread this is, if any (the newest, should a thread hold several). */
    public answerInThread(platform: string, threadId: string): InteractionRecord | undefined {
        return this.store.interactions.findByThread(platform, threadId);
    }

    /** The conversation so far (problem, solution, follow-ups and their replies). */
    public turns(interactionId: number): readonly TurnRecord[] {
        return this.store.conversations.turns(interactionId);
    }

    /** The engine's events for a follow-up (the web streams them). */
    public ask(question: {interactionId: number, question: string, requester: Requester, signal?: AbortSignal}): AsyncIterable<FollowUpEvent> {
        return this.engine.followUp(question);
    }

    /**
     * A follow-up answered for a chat reply: the reply text (or the localised failure), and, when the reply
     * has math (unreadable as chat text), up to four rendered pages of it.
     */
    public async answer(question: {
        interactionId: number, profile: string, question: string, requester: Requester, theme: ThemeName
    }): Promise<{text: string, images: readonly RenderedImage[]}> {
        let text: string | undefined;
        let failure: string | undefined;
        for await (const event of this.ask({interactionId: question.interactionId, question: question.question, requester: question.requester})) {
            if (event.type === "replied") text = event.text;
            if (event.type === "failed") failure = localize(event.code, question.requester.locale, event.params);
        }
        if (text == null || !/[$\\]/.test(text))
            return {text: text ?? failure ?? "", images: []};
        const rendered = await this.answers.renderSolution(question.profile, text, {theme: question.theme, locale: question.requester.locale});
        return {text, images: rendered.images.slice(0, 4)};
    }
}
