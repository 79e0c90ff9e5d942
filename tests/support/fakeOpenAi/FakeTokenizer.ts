/** What an inference server's `/tokenize` route does with text, and how the fake writes token ids back as text. */
export type ServerTokenizer = {
    /** `parseSpecial`: special-token text becomes the special token; `addSpecial`: BOS first where the model adds one. */
    tokenize(text: string, options: {parseSpecial: boolean, addSpecial: boolean}): number[],
    /** The text of token ids, special tokens written as their text. */
    detokenize(tokens: readonly number[]): string
};

/** The character tokenizer below as a server's tokenizer. */
export function characterTokenizer({spacePrefix}: {spacePrefix: boolean}): ServerTokenizer {
    return {tokenize: (text, options) => fakeTokenize(text, {...options, spacePrefix}), detokenize: fakeDetokenize};
}

/**
 * A tokenizer small enough to reason about in tests: every character is one token (id 1000 + code point) and
 * a few special tokens have their own ids. Like a Hugging Face tokenizer (vLLM), it reads special-token text
 * as the special token when `parseSpecial` is on; like llama.cpp, only then.
 */
export const fakeSpecialTokens: Readonly<Record<string, number>> = {"<s>": 1, "</s>": 2, "<|im_start|>": 3, "<|im_end|>": 4, "<|eot_id|>": 5};
const beginningOfSequence = 1;
const characterBase = 1000;

/**
 * With `spacePrefix`, like a SentencePiece tokenizer with `add_space_prefix` (Llama 2, Mistral; llama.cpp's
 * llm_tokenizer_spm and Hugging Face's legacy LlamaTokenizer): a space goes before text that starts a call.
 */
function fakeTokenize(text: string, {parseSpecial, addSpecial, spacePrefix = false}: {parseSpecial: boolean, addSpecial: boolean, spacePrefix?: boolean}): number[] {
    const tokens = addSpecial ? [beginningOfSequence] : [];
    const startsWithSpecial = parseSpecial && Object.keys(fakeSpecialTokens).some((token) => text.startsWith(token));
    if (spacePrefix && text !== "" && !startsWithSpecial)
        tokens.push(characterBase + 0x20);
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
function fakeDetokenize(tokens: readonly number[]): string {
    const specialTexts = new Map(Object.entries(fakeSpecialTokens).map(([text, id]) => [id, text]));
    return tokens.map((token) => specialTexts.get(token) ?? String.fromCodePoint(token - characterBase)).join("");
}

export function isSpecialToken(token: number): boolean {
    return token < characterBase;
}
