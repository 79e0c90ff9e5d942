import path from "node:path";
import {InteractionResponseType, MessageFlags, type APIInteractionResponse} from "discord.js";
import {FakeDiscord, type FakeInteraction} from "../../tests/support/fakeDiscord/FakeDiscord.js";
import {burstVerdict, type BurstOutcome} from "./burstVerdict.js";
import {allRowsFinal, burstSettings, scenarioFolder, serveEnv, startServe, stopServe, until, type SoakRow} from "./soakWorld.js";

/** Discord's 3 s to answer an interaction, and then up to this long for a deferred solve's final edit. */
const finalEditTimeoutMs = 120_000;

/**
 * `users` members of a server (the fake Discord on loopback) each send `perUser` `/solve` commands at once
 * to one `kotae serve`: each interaction must be answered within Discord's 3 s, either deferred and then
 * edited into the answer (with its buttons), or refused with a private (ephemeral) message. The fake keeps
 * Discord's per-token rate limits, and the 429s it had to send are counted.
 */
export async function discordBurst(users: number, perUser: number, maxGrowth = 1.5): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    const fake = await FakeDiscord.start();
    try {
        const {kotae} = await startServe(serveEnv(database, {
            ...burstSettings,
            KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
            KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl
        }));
        try {
            await fake.identified();
            await kotae.waitFor(/Discord: connected/);
            const members = Array.from({length: users}, (_unused, index) => fake.addUser({username: `student${index}`}));
            const residentBefore = kotae.residentKiB();
            const sent = members.flatMap((user, member) => Array.from({length: perUser}, (_unused, index) => ({
                started: performance.now(),
                interaction: fake.slashCommand({name: "solve", user, options: [{type: 3, name: "problem", value: `Once upon a time, student ${member} asked question ${index}.`}]})
            })));
            const rowsFinal = allRowsFinal(database, sent.length, finalEditTimeoutMs);
            const outcomes = await Promise.all(sent.map(({started, interaction}) => howItEnded(interaction, started, rowsFinal)));
            return burstVerdict({
                scenario: `Discord burst: ${outcomes.length} /solve from ${users} members at once`, database, outcomes,
                residentBefore, residentAfter: kotae.residentKiB(), maxGrowth,
                rateLimited: fake.requests.filter((request) => request.status === 429).length
            });
        } finally {
            await stopServe(kotae);
        }
    } finally {
        await fake.close();
    }
}

async function howItEnded(interaction: FakeInteraction, started: number, rowsFinal: Promise<unknown>): Promise<BurstOutcome> {
    const ended = (ending: BurstOutcome["ending"]): BurstOutcome => ({ending, millis: performance.now() - started});
    let callback: APIInteractionResponse;
    try {
        callback = await interaction.callback(3_000);
    } catch {
        return ended("unanswered"); // "The application did not respond"
    }
    if (callback.type === InteractionResponseType.ChannelMessageWithSource)
        return ended(isPrivateRefusal(callback.data) ? "refused" : "unanswered");
    if (callback.type !== InteractionResponseType.DeferredChannelMessageWithSource)
        return ended("unanswered");
    // The answer replaces the status line, with its buttons (also when the model reached no final answer);
    // a solve that failed after it was accepted ends in a message without the cancel button.
    const isAnswer = (body: unknown) => JSON.stringify(body ?? {}).includes("kotae:show:");
    await Promise.race([interaction.waitForEdit((edit) => isAnswer(edit.body), finalEditTimeoutMs), rowsFinal]).catch(() => undefined);
    await until("the solve's last message", () => endsTheSolve(interaction) || undefined, 10_000).catch(() => undefined);
    if (isAnswer(interaction.original())) return ended("answered");
    return ended(endsTheSolve(interaction) ? "refused" : "unanswered");
}

function isPrivateRefusal(data: {content?: string, flags?: number} | undefined): boolean {
    return ((data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0 && (data?.content ?? "") !== "";
}

/** The original response as it stands has text and no cancel button: the solve is over and the student was told. */
function endsTheSolve(interaction: FakeInteraction): boolean {
    const original = interaction.original();
    return (original?.content ?? "") !== "" && !JSON.stringify(original?.components ?? []).includes("kotae:cancel:");
}
