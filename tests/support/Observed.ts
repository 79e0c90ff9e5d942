type Waiter<T> = {
    readonly predicate: (item: T) => boolean,
    readonly resolve: (item: T) => void,
    readonly reject: (error: Error) => void,
    readonly timer: NodeJS.Timeout
};

/**
 * A list that grows as the fake observes things (requests, edits, callbacks), with a way to wait for an
 * item that matches: one already there, or the next one to arrive. A timeout's error lists the latest
 * items, which is usually what explains a failing end-to-end test.
 */
export class Observed<T> {
    readonly #items: T[] = [];
    readonly #waiters = new Set<Waiter<T>>();
    readonly #summarize: (item: T) => string;

    constructor(summarize: (item: T) => string) {
        this.#summarize = summarize;
    }

    get items(): readonly T[] {
        return this.#items;
    }

    push(item: T): void {
        this.#items.push(item);
        for (const waiter of this.#waiters) {
            if (waiter.predicate(item))
                this.#settle(waiter, () => waiter.resolve(item));
        }
    }

    waitFor(predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
        const found = this.#items.find(predicate);
        if (found !== undefined)
            return Promise.resolve(found);
        return new Promise<T>((resolve, reject) => {
            const waiter: Waiter<T> = {
                predicate,
                resolve,
                reject,
                timer: setTimeout(() => this.#settle(waiter, () => reject(new Error(this.#timeoutMessage(what, timeoutMs)))), timeoutMs)
            };
            this.#waiters.add(waiter);
        });
    }

    /** Fails whoever still waits, so that no timer outlives the fake. */
    close(): void {
        for (const waiter of this.#waiters)
            this.#settle(waiter, () => waiter.reject(new Error("The fake was closed")));
    }

    #settle(waiter: Waiter<T>, settle: () => void): void {
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        settle();
    }

    #timeoutMessage(what: string, timeoutMs: number): string {
        const latest = this.#items.slice(-10).map((item) => `  ${this.#summarize(item)}`);
        return [`Timed out after ${timeoutMs} ms waiting for ${what}; the latest of ${this.#items.length} seen:`, ...latest].join("\n");
    }
}
