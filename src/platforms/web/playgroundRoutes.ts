import type {FastifyInstance, FastifyReply, FastifyRequest} from "fastify";
import {solveCommand} from "../../../commands/solve.js";
import {localize, resolveLocale, type Locale} from "../../i18n/messages.js";
import {isThemeName} from "../../render/RenderTheme.js";
import type {AdmissionGate} from "../../app/SolveProblem.js";
import type {EngineEvent, FollowUpEvent} from "../../engine/EngineEvent.js";
import type {Requester} from "../../domain/Requester.js";
import {html, page} from "./html.js";
import {maxUrlNumber, wholeNumber} from "./wholeNumber.js";
import {EventStreamWriter} from "./EventStreamWriter.js";
import type {WebContext} from "./WebServer.js";

export const webPlatform = "web";

/**
 * The playground: type a problem, watch the solve stream in (server-sent events over a POST), see the
 * answer card and the solution pages, ask follow-ups and report a wrong answer, as on Discord or Slack.
 */
export function registerPlayground(app: FastifyInstance, context: WebContext): void {
    const {answers, followUps, solve} = context.runtime.useCases;

    app.get("/", async (request, reply) => {
        context.browserUser(request, reply);
        return reply.type("text/html; charset=utf-8").send(playgroundPage(resolveLocale(request.headers["accept-language"])));
    });

    app.post("/api/solve", async (request, reply) => {
        const body = request.body as {problem?: unknown, mode?: unknown, style?: unknown};
        const values = {problem: text(body.problem), mode: optionalText(body.mode), style: optionalText(body.style)};
        const requester = requesterOf(context, request, reply);
        // An admin (the operator trying Kotae out) is a moderator: held to neither the hourly limit nor the address gate.
        const isAdmin = context.isAdmin(request);
        await stream(reply, requester, (signal) => solve.solve(solveCommand.toRequest(values), {requester, isModerator: isAdmin}, {
            signal, ...(isAdmin ? {} : {gate: addressGate(context, request.ip)})
        }));
    });

    app.post("/api/interactions/:id/followup", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        if (interaction == null) return reply.code(404).send({error: "not found"});
        const question = text((request.body as {question?: unknown}).question);
        const requester = requesterOf(context, request, reply);
        await stream(reply, requester, (signal) => followUps.ask({interactionId: interaction.id, question, requester, signal}));
    });

    app.post("/api/interactions/:id/report", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        if (interaction == null) return reply.code(404).send({error: "not found"});
        const body = request.body as {answer?: unknown, comment?: unknown};
        const equals = answers.report({
            interactionId: interaction.id, requester: requesterOf(context, request, reply),
            correctedAnswer: text(body.answer).slice(0, 200), comment: text(body.comment).slice(0, 1000)
        });
        return {ok: true, correctionEqualsModelAnswer: equals ?? null};
    });

    app.get("/api/interactions/:id/answer.png", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        if (interaction?.answer == null) return reply.code(404).send({error: "not found"});
        const rendered = await context.runtime.renderer.render({kind: "answer", answer: interaction.answer, theme: themeOf(request), locale: resolveLocale(request.headers["accept-language"])});
        return image(reply, rendered.images[0]?.png);
    });

    app.get("/api/interactions/:id/solution/:page", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        if (interaction == null) return reply.code(404).send({error: "not found"});
        return solutionPage(request, reply, interaction.profile, interaction.shownSolution ?? "");
    });

    /** A follow-up reply's math, drawn like the solution (chat adapters attach the same images). */
    app.get("/api/interactions/:id/followups/:turn/:page", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        const turnIndex = Number((request.params as {turn: string}).turn);
        const turn = interaction != null ? followUps.turns(interaction.id).find((candidate) => candidate.turnIndex === turnIndex && candidate.role === "assistant") : undefined;
        if (interaction == null || turn == null || turn.content === "") return reply.code(404).send({error: "not found"});
        return solutionPage(request, reply, interaction.profile, turn.content);
    });

    /** Page `:page` of a text drawn as solution pages; the page count goes in a header. */
    async function solutionPage(request: FastifyRequest, reply: FastifyReply, profile: string, text: string) {
        const pageNumber = Number((request.params as {page: string}).page.replace(/\.png$/, ""));
        if (!Number.isInteger(pageNumber) || pageNumber < 1) return reply.code(404).send({error: "not found"});
        const rendered = await answers.renderSolution(profile, text, {theme: themeOf(request), locale: resolveLocale(request.headers["accept-language"])});
        void reply.header("x-kotae-pages", String(rendered.images.length));
        return image(reply, rendered.images[pageNumber - 1]?.png);
    }
}

/** The playground's one page, in the browser's language; app.js does the rest. */
function playgroundPage(locale: Locale): string {
    const modes = solveCommand.options.find((option) => option.name === "mode")?.choices ?? [];
    return page("Kotae", html`
<main>
  <h1>Kotae <small>答え</small></h1>
  <form id="solve">
    <label for="problem">${locale === "ja" ? "問題" : "Problem"}</label>
    <textarea id="problem" name="problem" rows="3" maxlength="2000" required placeholder="1から100までの自然数の和を求めてください"></textarea>
    <div class="row">
      <select id="mode" name="mode">${modes.map((mode) => html`<option value="${mode.value}">${mode.label[locale]}</option>`)}</select>
      <select id="style" name="style"><option value="">${locale === "ja" ? "標準" : "standard"}</option><option value="sansu">${locale === "ja" ? "算数" : "sansu"}</option></select>
      <button type="submit">${locale === "ja" ? "解く" : "Solve"}</button>
    </div>
  </form>
  <p id="status" role="status"></p>
  <pre id="live"></pre>
  <section id="result" hidden>
    <p id="summary"></p>
    <img id="card" alt="">
    <div class="row"><button id="show">${locale === "ja" ? "解き方を見る" : "Show solution"}</button></div>
    <div id="pages"></div>
    <form id="followup"><input id="question" maxlength="2000" placeholder="${locale === "ja" ? "続けて質問する" : "Ask a follow-up"}"><button type="submit">→</button></form>
    <div id="answers"></div>
    <form id="report">
      <input id="correct" maxlength="200" placeholder="${locale === "ja" ? "正しい答え" : "Correct answer"}">
      <input id="comment" maxlength="1000" placeholder="${locale === "ja" ? "コメント" : "Comment"}">
      <button type="submit">${locale === "ja" ? "間違いを報告" : "Report a mistake"}</button>
    </form>
    <p id="reported" role="status"></p>
  </section>
</main>`, {script: "app.js"});
}

/**
 * The web's own admission after the solve use case's (the hourly limit per browser): the same limits per
 * client address, which a browser dropping its cookie cannot dodge.
 */
function addressGate(context: WebContext, client: string): AdmissionGate {
    return () => context.clientGate.admit(client);
}

/** The interaction, if this browser asked it (or the request is an admin's); others' problems stay private. */
export function ownInteraction(context: WebContext, request: FastifyRequest, reply: FastifyReply) {
    const id = wholeNumber((request.params as {id: string}).id, maxUrlNumber);
    if (id == null) return undefined;
    const {answers} = context.runtime.useCases;
    return context.isAdmin(request) ? answers.interaction(id) : answers.ownInteraction(id, requesterOf(context, request, reply));
}

export function requesterOf(context: WebContext, request: FastifyRequest, reply: FastifyReply): Requester {
    const locale = request.headers["accept-language"]?.split(",")[0];
    return {platform: webPlatform, userId: context.browserUser(request, reply), ...(locale != null ? {locale} : {})};
}

/**
 * Engine events as server-sent events, failures and notices with their `message` in the browser user's
 * words; the solve is cancelled when the browser goes away.
 */
async function stream(reply: FastifyReply, requester: Requester, start: (signal: AbortSignal) => AsyncIterable<EngineEvent | FollowUpEvent>): Promise<void> {
    // The response closing before it ended means the browser went away ("close" on the request only says its body was read).
    const gone = new AbortController();
    reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) gone.abort();
    });
    // A new browser's cookie is set on the reply, which a hijacked reply no longer sends: it would own nothing.
    const cookie = reply.getHeader("set-cookie");
    reply.hijack();
    if (cookie != null) reply.raw.setHeader("set-cookie", cookie);
    reply.raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache",
        "content-security-policy": "default-src 'none'", "x-content-type-options": "nosniff"
    });
    const events = new EventStreamWriter(reply.raw);
    try {
        for await (const event of start(gone.signal))
            events.write(inWords(event, requester.locale));
    } finally {
        events.end();
    }
}

/** An event as the playground's page reads it: a failure or notice with its `message` in `locale`. */
function inWords(event: EngineEvent | FollowUpEvent, locale: string | undefined): (EngineEvent | FollowUpEvent) & {message?: string} {
    if (event.type === "failed") return {...event, message: localize(event.code, locale, event.params)};
    if (event.type === "notice") return {...event, message: localize(event.code, locale)};
    return event;
}

export function image(reply: FastifyReply, png: Uint8Array | undefined) {
    if (png == null) return reply.code(404).send({error: "no image"});
    return reply.type("image/png").header("cache-control", "private, max-age=3600").send(Buffer.from(png));
}

function themeOf(request: FastifyRequest): "light" | "dark" {
    const theme = (request.query as {theme?: string}).theme;
    return theme != null && isThemeName(theme) ? theme : "light";
}

function text(value: unknown): string {
    return typeof value === "string" ? value : "";
}

function optionalText(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}
