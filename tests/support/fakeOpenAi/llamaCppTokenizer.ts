import type {LlamaModel, Token} from "node-llama-cpp";
import type {ServerTokenizer} from "./FakeTokenizer.js";

/**
 * A GGUF's own tokenizer, as llama-server's `POST /tokenize` runs it: the server calls llama.cpp's
 * `common_tokenize(vocab, content, add_special, parse_special)` (tools/server/server.cpp, `tokenize_mixed`;
 * https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md), the same tokenizer node-llama-cpp
 * loads from the file. So a fake server with this tokenizer answers `/tokenize` as llama-server would for
 * that model (SentencePiece's space before the text of every call included).
 */
export function llamaCppTokenizer(model: LlamaModel): ServerTokenizer {
    return {
        tokenize: (text, {parseSpecial, addSpecial}) => {
            const tokens = model.tokenize(text, parseSpecial);
            const beginning = model.tokens.bos;
            return addSpecial && beginning != null && model.tokens.shouldPrependBosToken ? [beginning, ...tokens] : [...tokens];
        },
        detokenize: (tokens) => model.detokenize(tokens as readonly Token[], true)
    };
}
