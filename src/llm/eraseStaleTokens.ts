import {acquireLock} from "lifecycle-utils";
import type {LlamaContextSequence, Token} from "node-llama-cpp";

/**
 * Erases what a reused sequence holds beyond the prompt's cached prefix, before its completion starts.
 *
 * Why Kotae does this itself: node-llama-cpp (3.22) erases a sequence's stale tokens under its context's
 * lock, and its batch loop keeps that lock while decodes are queued, which with two or more sequences
 * generating is all the time (they queue their next token before the loop looks again). A solve
 * that starts on a used sequence while others generate therefore waited until every one of them had
 * finished: measured on the tiny model, 4 sequences, starts 3 ms apart: 1.1 to 1.9 s to the late
 * solves' first token instead of 3 to 15 ms, and a quarter less throughput; on a real model, a whole
 * solve. So the sequences that are generating are paused first, between two of their tokens, by taking
 * each one's evaluation lock (node-llama-cpp's own, which its evaluation takes for every token); the batch
 * loop then drains, the erase gets the context's lock at once, and the others go on.
 *
 * What is kept stops one short of the whole prompt: the completion evaluates the prompt's last token
 * again for its logits, and would otherwise erase that one under the same lock.
 *
 * `lifecycle-utils` must be the very copy node-llama-cpp uses (its locks live in a module-level map):
 * package.json pins the version node-llama-cpp depends on, so npm installs one copy.
 */
export async function eraseStaleTokens(sequence: LlamaContextSequence, promptTokens: Token[], generating: readonly LlamaContextSequence[]): Promise<void> {
    const keep = Math.min(sequence.compareContextTokens(promptTokens).firstDifferentIndex, promptTokens.length - 1);
    if (keep >= sequence.nextTokenIndex)
        return;
    const paused = await Promise.all(generating.flatMap((other) => {
        const lock = evaluationLockOf(other);
        return lock != null ? [acquireLock([lock, "evaluate"])] : [];
    }));
    try {
        await sequence.eraseContextTokenRanges([{start: keep, end: sequence.nextTokenIndex}]);
    } finally {
        for (const lock of paused)
            lock.dispose();
    }
}

/** The object node-llama-cpp's evaluation locks on (`_lock`, internal); undefined if a release renames it, and then nothing is paused. */
function evaluationLockOf(sequence: LlamaContextSequence): object | undefined {
    const lock = (sequence as unknown as {readonly _lock?: unknown})._lock;
    return typeof lock === "object" && lock !== null ? lock : undefined;
}
