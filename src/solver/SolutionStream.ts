import {extractAnswer, type ExtractedAnswer} from "../answers/extractAnswer.js";
import type {ThinkingTags} from "../profiles/ModelProfile.js";
import {RepetitionDetector} from "./RepetitionDetector.js";
import {ThinkingSplitter} from "./ThinkingSplitter.js";

export type SolutionListener = {
    readonly onThinking?: (text: string) => void,
    readonly onText?: (text: string) => void
};

/**
 * A solution as it streams in: the model's text and, in tool use, the inserted execution outputs.
 * Splits the thinking section from the shown solution, forwards both as they arrive, and notices a
 * model stuck repeating itself.
 */
export class SolutionStream {
    private readonly splitter: ThinkingSplitter;
    private readonly repetition = new RepetitionDetector();
    private rawText = "";

    public constructor(thinkingTags: ThinkingTags | undefined, private readonly listener: SolutionListener) {
        this.splitter = new ThinkingSplitter(thinkingTags);
    }

    /** Everything generated and inserted, in order, tags included. */
    public get raw(): string {
        return this.rawText;
    }

    public get thinking(): string {
        return this.splitter.thinking;
    }

    public get shown(): string {
        return this.splitter.shown;
    }

    /** Adds text the model generated; true when the model has started looping and should be stopped. */
    public pushGenerated(chunk: string): boolean {
        this.insert(chunk);
        return this.repetition.push(chunk);
    }

    /** Adds text Kotae wrote into the solution (a closing tag, an execution's output); never counts as looping. */
    public insert(text: string): void {
        this.rawText += text;
        this.forward(this.splitter.push(text));
    }

    public finish(): void {
        this.forward(this.splitter.finish());
    }

    /**
     * The answer in the shown solution; failing that, in a finished thinking block (never in an unfinished
     * one). `visibleToAnswer` removes parts that must not count, such as code that prints a \boxed{}.
     */
    public answer(visibleToAnswer: (text: string) => string = (text) => text): ExtractedAnswer | undefined {
        const shown = visibleToAnswer(this.splitter.shown);
        return extractAnswer(shown)
            ?? (this.splitter.thinkingFinished && shown.trim() === "" ? extractAnswer(visibleToAnswer(this.splitter.thinking)) : undefined);
    }

    private forward({thinking, shown}: {thinking: string, shown: string}): void {
        if (thinking !== "") this.listener.onThinking?.(thinking);
        if (shown !== "") this.listener.onText?.(shown);
    }
}
