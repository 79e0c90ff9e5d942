/**
 * Finds stop triggers in streamed text the way node-llama-cpp does in-process: text that could be the start
 * of a trigger is held back until it is known not to be one, so consumers never see any part of the trigger
 * that fired. Servers that do not say which stop string ended generation (llama-server, SGLang, Ollama) rely
 * on this alone; vLLM's `stop_reason` confirms it.
 */
export class StopTriggerScanner {
    /** Everything the server sent (minus a trigger that fired). */
    public received = "";
    public firedTrigger: string | undefined;
    private emitted = 0;
    private readonly longestTrigger: number;

    public constructor(private readonly triggers: readonly string[], private readonly emit: (text: string) => void) {
        this.longestTrigger = Math.max(0, ...triggers.map((trigger) => trigger.length));
    }

    /** Takes a chunk of generated text; returns true when a trigger fired (generation must stop). */
    public push(chunk: string): boolean {
        const searchFrom = Math.max(0, this.received.length - this.longestTrigger + 1);
        this.received += chunk;
        let fired: {trigger: string, index: number} | undefined;
        for (const trigger of this.triggers) {
            const index = trigger === "" ? -1 : this.received.indexOf(trigger, searchFrom);
            if (index >= 0 && (fired == null || index < fired.index))
                fired = {trigger, index};
        }
        if (fired != null) {
            this.received = this.received.slice(0, fired.index);
            this.firedTrigger = fired.trigger;
            this.flush();
            return true;
        }
        this.emitUpTo(this.received.length - this.heldBackLength());
        return false;
    }

    /** Emits what was held back: generation ended without completing a trigger. */
    public flush(): void {
        this.emitUpTo(this.received.length);
    }

    /** The longest end of the received text that is the beginning of a trigger. */
    private heldBackLength(): number {
        for (let length = Math.min(this.longestTrigger - 1, this.received.length); length > 0; length--) {
            const tail = this.received.slice(-length);
            if (this.triggers.some((trigger) => trigger.startsWith(tail)))
                return length;
        }
        return 0;
    }

    private emitUpTo(end: number): void {
        if (end > this.emitted) {
            this.emit(this.received.slice(this.emitted, end));
            this.emitted = end;
        }
    }
}
