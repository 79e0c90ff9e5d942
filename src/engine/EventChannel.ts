/**
 * A push-to-pull bridge: producers push events, one consumer iterates them with `for await`.
 * If the consumer stops early (break, throw), `onAbandon` runs so the producer can cancel its work.
 */
export class EventChannel<T> implements AsyncIterable<T> {
    private readonly buffered: T[] = [];
    private waiting: ((result: IteratorResult<T>) => void) | undefined;
    private closed = false;

    /**
     * @param onAbandon runs when the consumer stops early.
     * @param onPush sees every value pushed, even after the consumer has left (an observer that counts outcomes).
     */
    public constructor(private readonly onAbandon: () => void = () => {}, private readonly onPush?: (value: T) => void) {}

    public push(value: T): void {
        this.onPush?.(value);
        if (this.closed)
            return;

        if (this.waiting != null) {
            const resolve = this.waiting;
            this.waiting = undefined;
            resolve({value, done: false});
        } else
            this.buffered.push(value);
    }

    public close(): void {
        this.closed = true;
        if (this.waiting != null) {
            const resolve = this.waiting;
            this.waiting = undefined;
            resolve({value: undefined, done: true});
        }
    }

    public [Symbol.asyncIterator](): AsyncIterator<T> {
        return {
            next: () => {
                const value = this.buffered.shift();
                if (value !== undefined)
                    return Promise.resolve({value, done: false});
                if (this.closed)
                    return Promise.resolve({value: undefined, done: true});
                return new Promise((resolve) => {
                    this.waiting = resolve;
                });
            },
            return: () => {
                if (!this.closed) {
                    this.closed = true;
                    this.buffered.length = 0;
                    this.onAbandon();
                }
                return Promise.resolve({value: undefined, done: true});
            }
        };
    }
}
