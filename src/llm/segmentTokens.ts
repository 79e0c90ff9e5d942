/**
 * How Kotae tokenizes a prompt piece by piece (template text, user text, a transcript) so that the pieces
 * join as the whole text would tokenize: SentencePiece tokenizers (Llama 2, Mistral, TinyStories; llama.cpp's
 * `add_space_prefix`) put a space before the text of every tokenize call, which would land at every boundary
 * between pieces ("い" + "<|im_end|>" would read "い ▁<|im_end|>"). Tokenizing the piece after a newline and
 * dropping the newline's own tokens leaves exactly the piece's tokens as they follow earlier text. Both
 * backends use this rule (the in-process one with the GGUF's tokenizer, the openai one with the server's),
 * so the same prompt becomes the same token ids either way.
 */
export const separator = "\n";

/**
 * The piece's tokens given the tokens of the separator alone and of the separator followed by the piece;
 * undefined where they do not line up (the separator merged with the piece's first characters), and the
 * caller falls back to the piece tokenized alone.
 */
export function tokensAfterSeparator(separatorTokens: readonly number[], withSeparator: readonly number[]): number[] | undefined {
    if (separatorTokens.length === 0 || !separatorTokens.every((token, index) => withSeparator[index] === token))
        return undefined;
    return withSeparator.slice(separatorTokens.length);
}
