/**
 * A tokenizer small enough to reason about in tests: every character is one token (id 1000 + code point) and
 * a few special tokens have their own ids. Like a Hugging Face tokenizer (vLLM), it reads special-token text
 * as the special token when `parseSpecial` is on; like llama.cpp, only then.
 */
export const fakeSpecialTokens: Readonly<Record<string, number>> = {"<s>": 1, "</s>": 2, "<|im_start|>": 3, "<|im_end|>": 4, "<|eot_id|>": 5};
const beginningOfSequence = 1;
const characterBase = 1000;

export function fakeTokenize(text: string, {parseSpecial, addSpecial}: {parseSpecial: boolean, addSpecial: boolean}): number[] {
    const tokens = addSpecial ? [beginningOfSequence] : [];
    for (let position = 0; position < text.length;) {
        const special = parseSpecial ? Object.keys(fakeSpecialTokens).find((token) => text.startsWith(token, position)) : undefined;
        if (special != null) {
            tokens.push(fakeSpecialTokens[special]!);
            position += special.length;
        } else {
            const codePoint = text.codePointAt(position)!;
            tokens.push(characterBase + codePoint);
            position += String.fromCodePoint(codePoint).length;
        }
    }
    return tokens;
}

/** The text of token ids, special tokens written as their text. */
export function fakeDetokenize(tokens: readonly number[]): string {
    const specialTexts = new Map(Object.entries(fakeSpecialTokens).map(([text, id]) => [id, text]));
    return tokens.map((token) => specialTexts.get(token) ?? String.fromCodePoint(token - characterBase)).join("");
}

export function isSpecialToken(token: number): boolean {
    return token < characterBase;
}
