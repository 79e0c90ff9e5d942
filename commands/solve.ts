import {solveModes, type SolveMode} from "../src/solver/SolveMode.js";
import type {CommandDefinition} from "./CommandDefinition.js";

export type SolveCommandRequest = {
    readonly problem: string,
    /** Passed on as typed, so the engine answers an unknown mode with its own localised error. */
    readonly mode?: string,
    /** An explanation style (e.g. `sansu`) the engine asks the profile for; undefined keeps the profile's default. */
    readonly style?: string
};

const modeLabels: Readonly<Record<SolveMode, {ja: string, en: string}>> = {
    auto: {ja: "おまかせ", en: "auto"},
    tir: {ja: "Python で計算", en: "with Python"},
    cot: {ja: "文章で考える", en: "text reasoning"}
};

export const solveCommand: CommandDefinition<SolveCommandRequest> = {
    name: "solve",
    description: {
        ja: "数学の問題をステップバイステップで解きます",
        en: "Solve a math problem step by step"
    },
    options: [{
        name: "problem",
        localizedNames: {ja: "問題", en: "problem"},
        description: {ja: "解いてほしい問題文", en: "The problem to solve"},
        type: "string",
        required: true,
        maxLength: 2000
    }, {
        name: "mode",
        localizedNames: {ja: "モード", en: "mode"},
        description: {ja: "解き方（auto: まず Python で計算、tir: Python を使う、cot: 文章で考える）",
            en: "How to solve (auto: Python first, tir: with Python, cot: reasoning in text)"},
        type: "string",
        required: false,
        choices: solveModes.map((mode) => ({value: mode, label: modeLabels[mode]}))
    }, {
        name: "style",
        localizedNames: {ja: "スタイル", en: "style"},
        description: {ja: "説明のしかた（sansu: 小学生向けの算数、文字式なし）", en: "Explanation style (sansu: elementary arithmetic, no algebra)"},
        type: "string",
        required: false,
        choices: [
            {value: "standard", label: {ja: "標準", en: "standard"}},
            {value: "sansu", label: {ja: "算数", en: "sansu"}}
        ]
    }],
    toRequest(values) {
        const mode = values["mode"];
        const style = values["style"];
        return {
            problem: values["problem"] ?? "",
            ...(mode != null ? {mode} : {}),
            ...(style != null ? {style} : {})
        };
    }
};
