import {describe, expect, it} from "vitest";
import {normalizeAnswer} from "../../src/answers/normalizeAnswer.js";
import {voteAnswers, type Ballot} from "../../src/answers/voteAnswers.js";

/** Ballots from raw answers as models write them. */
function ballots(...answers: (string | null)[]): Ballot[] {
    return answers.map((answer, sample) => ({sample, answer, method: answer != null ? "boxed" : null}));
}

describe("voteAnswers (self-consistency)", () => {
    it("counts differently written forms of one answer as one", () => {
        const vote = voteAnswers(ballots("5050", "5,050", "５０５０", "\\text{5050個}", "5000"));
        expect(vote).toMatchObject({winner: normalizeAnswer("5050").canonical, votes: 4, total: 5, representative: 0});
        expect(vote.tally.map((entry) => entry.samples)).toEqual([[0, 1, 2, 3], [4]]);
    });

    it("treats equivalent fractions and decimals as the same answer", () => {
        const vote = voteAnswers(ballots("\\frac{1}{2}", "0.5", "2分の1", "1/3"));
        expect(vote.votes).toBe(3);
        expect(vote.representative).toBe(0);
    });

    it("groups by equivalence, not by the written form's key: formulas, equations, intervals, sets", () => {
        const vote = voteAnswers(ballots("(x+2)(x+3)", "x^2+5x+6", "(x+3)(x+2)", "x^2+5x+7"));
        expect(vote).toMatchObject({votes: 3, representative: 0, winner: normalizeAnswer("(x+2)(x+3)").canonical});
        expect(vote.tally.map((entry) => [entry.answer, entry.samples])).toEqual([["(x+2)(x+3)", [0, 1, 2]], ["x^2+5x+7", [3]]]);

        expect(voteAnswers(ballots("x>3", "(3, \\infty)", "3<x", "x\\ge 3")).votes).toBe(3);
        expect(voteAnswers(ballots("y=2x+1", "2x-y+1=0", "y=1+2x")).votes).toBe(3);
        expect(voteAnswers(ballots("x=1, 2", "\\{2, 1\\}", "1と2")).votes).toBe(3);
        expect(voteAnswers(ballots("1と3分の1", "\\frac{4}{3}", "1\\frac{1}{3}", "4/3")).votes).toBe(4);
    });

    it("keeps split answers apart when only the key would join them: a vote for 10/3 is not one for 1", () => {
        expect(voteAnswers(ballots("10/3", "1", "3\\frac{1}{3}")).tally.map((entry) => entry.samples)).toEqual([[0, 2], [1]]);
    });

    it("counts samples without an answer in the total but not as votes", () => {
        const vote = voteAnswers(ballots(null, "12", null, "12", "13"));
        expect(vote).toMatchObject({votes: 2, total: 5, representative: 1});
    });

    it("breaks a tie by boxed answers first, then by the earliest sample, the same way every time", () => {
        const tie = ballots("7", "8", "8", "7");
        expect(voteAnswers(tie)).toMatchObject({winner: normalizeAnswer("7").canonical, votes: 2, representative: 0});
        expect(voteAnswers([...tie].reverse())).toMatchObject({winner: normalizeAnswer("7").canonical, representative: 0});

        const phraseVersusBoxed: Ballot[] = [
            {sample: 0, answer: "7", method: "phrase"},
            {sample: 1, answer: "8", method: "boxed"},
            {sample: 2, answer: "7", method: "phrase"},
            {sample: 3, answer: "8", method: "boxed"}
        ];
        expect(voteAnswers(phraseVersusBoxed)).toMatchObject({winner: "8", representative: 1});
    });

    it("lets more votes win over more \\boxed{} answers: the tie-breaks apply only to a tie", () => {
        const majorityInPhrases: Ballot[] = [
            {sample: 0, answer: "8", method: "boxed"},
            {sample: 1, answer: "7", method: "phrase"},
            {sample: 2, answer: "8", method: "boxed"},
            {sample: 3, answer: "7", method: "phrase"},
            {sample: 4, answer: "7", method: "phrase"}
        ];
        expect(voteAnswers(majorityInPhrases)).toMatchObject({winner: "7", votes: 3, total: 5, representative: 1});
        expect(voteAnswers(majorityInPhrases).tally.map((entry) => entry.samples)).toEqual([[1, 3, 4], [0, 2]]);
    });

    it("reports no winner when every sample failed, with the first sample as representative", () => {
        expect(voteAnswers(ballots(null, null, null))).toEqual({winner: null, votes: 0, total: 3, representative: 0, tally: []});
    });

    it("refuses an empty vote", () => {
        expect(() => voteAnswers([])).toThrow(RangeError);
    });
});
