import type {CommandDefinition} from "./CommandDefinition.js";

export type AskCommandRequest = {readonly question: string};

/** A follow-up question in a solution's thread, for communities where plain thread messages are not read. */
export const askCommand: CommandDefinition<AskCommandRequest> = {
    name: "ask",
    description: {ja: "このスレッドの問題について続けて質問します", en: "Ask a follow-up about this thread's problem"},
    options: [{
        name: "question",
        localizedNames: {ja: "質問", en: "question"},
        description: {ja: "質問の内容", en: "Your question"},
        type: "string",
        required: true,
        maxLength: 2000
    }],
    toRequest: (values) => ({question: values["question"] ?? ""})
};
