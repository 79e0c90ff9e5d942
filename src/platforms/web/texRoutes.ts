import type {FastifyInstance} from "fastify";
import {texCommand} from "../../../commands/tex.js";
import {texMode} from "../../domain/Interaction.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize, resolveLocale} from "../../i18n/messages.js";
import {html, page} from "./html.js";
import {image as pngReply, ownInteraction, requesterOf as browserRequester, webPlatform} from "./playgroundRoutes.js";
import {wholeNumber} from "./wholeNumber.js";
import type {WebContext} from "./WebServer.js";

/** Status codes of a /tex refusal: the user's text (400), the hourly limit (429), the renderer (503). */
const refusalStatus: Partial<Record<ErrorCode, number>> = {[ErrorCode.RateLimited]: 429, [ErrorCode.TexRenderFailed]: 503};

/**
 * The playground's /tex page: write LaTeX, see it drawn. `POST /api/tex` renders and logs it (as /tex on
 * Discord and Slack), `GET /api/tex/:id/:page` returns a page's PNG to the browser that wrote it. Both go
 * through the web app's Host, Origin, header and cookie checks like every other route.
 */
export function registerTexRoutes(app: FastifyInstance, context: WebContext): void {
    const {runtime, config} = context;
    const communityTheme = () => runtime.useCases.communitySettings.effective({platform: webPlatform, workspaceId: undefined});

    app.get("/tex", async (request, reply) => {
        context.browserUser(request, reply);
        const locale = resolveLocale(request.headers["accept-language"]);
        const themes = texCommand.options.find((option) => option.name === "theme")?.choices ?? [];
        return reply.type("text/html; charset=utf-8").send(page("Kotae /tex", html`
<main>
  <h1>Kotae <small>/tex</small></h1>
  <form id="tex">
    <label for="source">${texCommand.description[locale]}</label>
    <textarea id="source" name="source" rows="4" maxlength="${config.maxProblemChars}" required placeholder="解の公式は $$x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}$$ です。"></textarea>
    <div class="row">
      <select id="theme" name="theme"><option value="">${locale === "ja" ? "いつものテーマ" : "my usual theme"}</option>${themes.map((theme) => html`<option value="${theme.value}">${theme.label[locale]}</option>`)}</select>
      <button type="submit">${locale === "ja" ? "画像にする" : "Draw"}</button>
    </div>
  </form>
  <p id="status" role="status"></p>
  <div id="pages"></div>
</main>`, {script: "tex.js"}));
    });

    app.post("/api/tex", async (request, reply) => {
        const body = request.body as {source?: unknown, theme?: unknown};
        const requester = browserRequester(context, request, reply);
        const settings = communityTheme();
        const outcome = await runtime.useCases.tex.render({
            ...texCommand.toRequest({source: typeof body.source === "string" ? body.source : "", ...(typeof body.theme === "string" && body.theme !== "" ? {theme: body.theme} : {})}),
            requester, communityTheme: settings.theme,
            admission: {settings: settings.stored, channelId: undefined, isModerator: context.isAdmin(request)}
        });
        if (!outcome.ok)
            return reply.code(refusalStatus[outcome.failure.code] ?? 400).send({
                error: outcome.failure.code, message: localize(outcome.failure.code, requester.locale, outcome.failure.params)
            });
        return {interactionId: outcome.interactionId, pages: outcome.images.length};
    });

    app.get("/api/tex/:id/:page", async (request, reply) => {
        const interaction = ownInteraction(context, request, reply);
        const pageNumber = wholeNumber((request.params as {page: string}).page.replace(/\.png$/, ""), 100);
        if (interaction == null || interaction.mode !== texMode || interaction.status !== "answered" || pageNumber == null || pageNumber < 1)
            return reply.code(404).send({error: "not found"});
        const requester = browserRequester(context, request, reply);
        const rendered = await runtime.renderer.render({
            kind: "tex", source: interaction.question, locale: resolveLocale(request.headers["accept-language"]),
            theme: runtime.useCases.tex.themeFor(requester, communityTheme().theme)
        });
        return pngReply(reply, rendered.images[pageNumber - 1]?.png);
    });
}
