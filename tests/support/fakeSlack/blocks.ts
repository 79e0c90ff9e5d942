import {randomBytes} from "node:crypto";
import type {types} from "@slack/bolt";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An interactive element and the block it sits in. */
export type Placed = {readonly block: Json, readonly element: Json};

/** Each interactive element: an actions block's elements, a section's accessory, an input's element. */
export function* interactiveElements(blocks: readonly unknown[]): Generator<Placed> {
    for (const block of blocks) {
        if (!isObject(block))
            continue;
        const elements = block.type === "actions" ? block.elements : block.type === "section" ? [block.accessory] : block.type === "input" ? [block.element] : [];
        for (const element of Array.isArray(elements) ? elements : []) {
            if (isObject(element) && typeof element.type === "string")
                yield {block, element};
        }
    }
}

/**
 * Copies of the blocks with the ids Slack fills in where the app gave none: a random `block_id` on every
 * block and `action_id` on every interactive element. A bot that reads a submission's
 * `state.values[block_id][action_id]` without naming its ids finds them random, as in production.
 */
export function withSlackIds(blocks: readonly unknown[]): types.KnownBlock[] {
    const copies = structuredClone(blocks) as Json[];
    for (const block of copies)
        block.block_id ??= randomId();
    for (const {element} of interactiveElements(copies))
        element.action_id ??= randomId();
    return copies as unknown as types.KnownBlock[];
}

function randomId(): string {
    return randomBytes(3).toString("base64url");
}
