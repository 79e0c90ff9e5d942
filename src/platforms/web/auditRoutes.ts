import {createHmac} from "node:crypto";
import type {FastifyInstance, FastifyReply, FastifyRequest} from "fastify";
import {defaultFreshSamples, describeTally, isFreshSampleCount, maxFreshSamples, stillDrawing} from "../../audit/freshSampleVote.js";
import {exportFormats, type ExportFormat} from "../../export/exportDataset.js";
import type {AuditDetail} from "../../app/AuditActions.js";
import type {ReportFilter, ReportSummary} from "../../domain/ReportQueue.js";
import {reviewStatuses, type ReviewStatus} from "../../domain/Review.js";
import {adminCookieName} from "./AdminAuth.js";
import {html, page} from "./html.js";
import {maxUrlNumber, wholeNumber} from "./wholeNumber.js";
import type {WebContext} from "./WebServer.js";

const pageSize = 50;

/** The audit pages: the review queue with filters, a report's detail with the resolve form, export downloads. */
export function registerAudit(app: FastifyInstance, context: WebContext): void {
    const {runtime} = context;
    const {audit} = runtime.useCases;
    const token = context.config.web.adminToken;
    /** A form token bound to the admin token, so a forged form from elsewhere cannot resolve anything. */
    const formToken = token != null ? createHmac("sha256", token).update("kotae-audit-form").digest("hex") : "";

    app.get("/audit/login", async (_request, reply) => reply.type("text/html; charset=utf-8").send(page("Kotae audit", html`
<main><h1>Kotae audit</h1>
${token == null ? html`<p>Set KOTAE_WEB_ADMIN_TOKEN to open the audit pages.</p>` : html`
<form method="post" action="/audit/login"><label for="token">Admin token</label><input id="token" name="token" type="password" required><button type="submit">Open</button></form>`}
</main>`)));

    app.post("/audit/login", async (request, reply) => {
        const given = (request.body as {token?: unknown}).token;
        const outcome = token != null && typeof given === "string" ? await context.admin.logIn(request, given) : {wrong: true as const};
        if ("retryAfterSeconds" in outcome)
            return reply.code(429).header("retry-after", String(outcome.retryAfterSeconds)).type("text/html; charset=utf-8")
                .send(page("Kotae audit", html`<main><p>Too many wrong tokens. Try again in ${outcome.retryAfterSeconds} s.</p></main>`));
        if ("wrong" in outcome)
            return reply.code(401).type("text/html; charset=utf-8").send(page("Kotae audit", html`<main><p>Wrong token.</p><a href="/audit/login">Back</a></main>`));
        // Secure whenever the browser reached Kotae over https (through a proxy with web.trustProxy).
        const secure = request.protocol === "https" ? "; Secure" : "";
        return reply.header("set-cookie", `${adminCookieName}=${outcome.session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${context.admin.sessions.maxAgeSeconds}${secure}`).redirect("/audit", 303);
    });

    const guard = (request: FastifyRequest, reply: FastifyReply): boolean => {
        if (context.isAdmin(request)) return true;
        void reply.redirect("/audit/login", 303);
        return false;
    };

    app.get("/audit", async (request, reply) => {
        if (!guard(request, reply)) return reply;
        const query = request.query as Record<string, string | undefined>;
        const filter = filterOf(query);
        const offset = query["offset"] == null ? 0 : wholeNumber(query["offset"], maxUrlNumber);
        if (offset == null) return reply.code(400).type("text/plain; charset=utf-8").send(`offset must be a whole number from 0 to ${maxUrlNumber}`);
        return reply.type("text/html; charset=utf-8").send(queuePage(query, offset, audit.queue(filter, {limit: pageSize, offset})));
    });

    app.get("/audit/:id", async (request, reply) => {
        if (!guard(request, reply)) return reply;
        const id = wholeNumber((request.params as {id: string}).id, maxUrlNumber);
        const detail = id != null ? audit.detail(id) : undefined;
        if (id == null || detail == null) return reply.code(404).send("not found");
        return reply.type("text/html; charset=utf-8").send(detailPage(detail, {formToken, modelState: runtime.modelState}));
    });

    app.post("/audit/:id/fresh-samples", async (request, reply) => {
        if (!guard(request, reply)) return reply;
        const id = wholeNumber((request.params as {id: string}).id, maxUrlNumber);
        const body = request.body as Record<string, string | undefined>;
        const samples = Number(body["samples"] ?? defaultFreshSamples);
        const reviewer = (body["reviewer"] ?? "").trim();
        if (body["form"] !== formToken || id == null || !audit.exists(id) || reviewer === "" || !isFreshSampleCount(samples))
            return reply.code(400).send("invalid request");
        if (runtime.modelState !== "ready")
            return reply.code(409).send("no model is loaded");
        const {finished} = await audit.recheck(id, {samples, reviewer});
        finished.catch((error: unknown) => request.log.error({err: error}, "fresh samples failed"));
        return reply.redirect(`/audit/${id}`, 303);
    });

    app.post("/audit/:id/resolve", async (request, reply) => {
        if (!guard(request, reply)) return reply;
        const id = wholeNumber((request.params as {id: string}).id, maxUrlNumber);
        const body = request.body as Record<string, string | undefined>;
        const status = body["status"] as ReviewStatus;
        if (body["form"] !== formToken || !reviewStatuses.includes(status) || id == null || (body["reviewer"] ?? "").trim() === "")
            return reply.code(400).send("invalid review");
        const recorded = audit.review({
            interactionId: id, reviewer: body["reviewer"]!.trim(), status,
            ...(nonEmpty(body["answer"]) != null ? {canonicalAnswer: nonEmpty(body["answer"])!} : {}),
            ...(nonEmpty(body["solution"]) != null ? {correctedSolution: nonEmpty(body["solution"])!} : {}),
            ...(nonEmpty(body["note"]) != null ? {note: nonEmpty(body["note"])!} : {})
        });
        if (!recorded) return reply.code(400).send("invalid review");
        return reply.redirect(`/audit/${id}`, 303);
    });

    app.get("/audit/export", async (request, reply) => {
        if (!guard(request, reply)) return reply;
        const format = (request.query as {format?: string}).format as ExportFormat;
        if (!exportFormats.includes(format)) return reply.code(400).send("unknown format");
        const lines: string[] = [];
        audit.export(format, {}, (line) => lines.push(line));
        return reply.type("application/x-ndjson; charset=utf-8")
            .header("content-disposition", `attachment; filename="kotae-${format}.jsonl"`)
            .send(lines.length > 0 ? `${lines.join("\n")}\n` : "");
    });
}

/** The review queue: filters, one page of reports, the next page's link, the export downloads. */
function queuePage(query: Record<string, string | undefined>, offset: number, {reports, total}: {reports: readonly ReportSummary[], total: number}): string {
    return page("Kotae audit", html`
<main>
  <h1>Review queue <small>${total}</small></h1>
  <form method="get" action="/audit" class="row">
    <select name="status"><option value="">all</option>${["new", ...reviewStatuses].map((status) => html`<option value="${status}" ${status === query["status"] ? html`selected` : ""}>${status}</option>`)}</select>
    <input name="platform" placeholder="platform" value="${query["platform"] ?? ""}">
    <input name="since" type="date" value="${query["since"] ?? ""}"><input name="until" type="date" value="${query["until"] ?? ""}">
    <button type="submit">Filter</button>
  </form>
  <table>
    <thead><tr><th>#</th><th>status</th><th>reported</th><th>platform</th><th>answer</th><th>correction</th><th>problem</th></tr></thead>
    <tbody>${reports.map((report) => html`<tr>
      <td><a href="/audit/${report.interactionId}">${report.interactionId}</a></td><td>${report.status}</td><td>${report.lastReportAt.slice(0, 16)}</td>
      <td>${report.platform}</td><td>${report.answer ?? "—"}</td><td>${report.correctedAnswer ?? "—"}</td><td>${report.question.slice(0, 80)}</td></tr>`)}</tbody>
  </table>
  ${offset + pageSize < total ? html`<a href="/audit?${new URLSearchParams({...clean(query), offset: String(offset + pageSize)}).toString()}">next</a>` : ""}
  <p>Export: ${exportFormats.map((format) => html`<a href="/audit/export?format=${format}">${format}.jsonl</a> `)}</p>
</main>`);
}

/** One report's detail: the problem, answer, solution, code runs, reports, fresh samples, review trail and forms. */
function detailPage(detail: AuditDetail, options: {formToken: string, modelState: "loading" | "ready" | "unavailable"}): string {
    const {interaction, feedback, executions, reviews, freshSampleVotes: votes} = detail;
    const {formToken, modelState} = options;
    const id = interaction.id;
    const drawing = votes.some(stillDrawing);
    return page(`Kotae audit #${id}`, html`
<main>
  <p><a href="/audit">← queue</a></p>
  <h1>#${id} <small>${interaction.platform} · ${interaction.profile} · ${interaction.createdAt.slice(0, 16)}</small></h1>
  <h2>Problem</h2><pre>${interaction.question}</pre>
  <h2>Answer: ${interaction.answer ?? "—"}</h2>
  ${interaction.answer != null ? html`<img alt="answer card" src="/api/interactions/${id}/answer.png">` : ""}
  <h2>Solution</h2><img alt="solution" src="/api/interactions/${id}/solution/1.png"><pre>${interaction.shownSolution ?? ""}</pre>
  ${executions.length > 0 ? html`<h2>Code runs</h2>${executions.map((execution) => html`<h3>${execution.executionIndex}: ${execution.status} (${execution.durationMs} ms)</h3><pre>${execution.code}</pre><pre>${execution.output}</pre>`)}` : ""}
  <h2>Reports</h2>
  <ul>${feedback.map((report) => html`<li>${report.correctedAnswer ?? "—"} ${report.correctionEqualsModelAnswer === true ? html`<strong>(= the model's answer)</strong>` : ""} — ${report.comment ?? ""}</li>`)}</ul>
  <h2>Fresh samples</h2>
  ${votes.length > 0 ? html`<table>
    <thead><tr><th>#</th><th>asked</th><th>reviewer</th><th>samples</th><th>votes</th><th>= model</th><th>= correction</th></tr></thead>
    <tbody>${votes.map((vote) => html`<tr>
      <td>${vote.interactionId}</td><td>${vote.requestedAt.slice(0, 16)}</td><td>${vote.reviewer}</td>
      <td>${stillDrawing(vote) ? `${vote.finished}/${vote.samples} …` : `${vote.samples} (${vote.status})`}</td>
      <td>${describeTally(vote)}</td>
      <td>${yesNo(vote.agreesWithModel)}</td><td>${yesNo(vote.agreesWithCorrection)}</td></tr>`)}</tbody>
  </table>` : ""}
  ${modelState === "ready" ? html`<form method="post" action="/audit/${id}/fresh-samples" class="row">
    <input type="hidden" name="form" value="${formToken}">
    <input name="samples" type="number" min="1" max="${maxFreshSamples}" value="${defaultFreshSamples}" aria-label="samples">
    <input name="reviewer" placeholder="reviewer" required maxlength="100">
    <button type="submit">Draw fresh samples</button>
  </form>` : html`<p>${modelState === "loading" ? "The model is still loading." : "No model is loaded, so no fresh samples can be drawn."}</p>`}
  <h2>Review trail</h2>
  <ul>${reviews.map((review) => html`<li>${review.createdAt.slice(0, 16)} ${review.reviewer}: <strong>${review.status}</strong> ${review.canonicalAnswer ?? ""} ${review.note ?? ""}</li>`)}</ul>
  <h2>Resolve</h2>
  <form method="post" action="/audit/${id}/resolve">
    <input type="hidden" name="form" value="${formToken}">
    <select name="status">${reviewStatuses.map((status) => html`<option value="${status}">${status}</option>`)}</select>
    <input name="reviewer" placeholder="reviewer" required maxlength="100">
    <input name="answer" placeholder="canonical answer" maxlength="200">
    <textarea name="solution" placeholder="corrected solution (optional)" maxlength="20000"></textarea>
    <input name="note" placeholder="note" maxlength="2000">
    <button type="submit">Record</button>
  </form>
</main>`, drawing ? {refreshSeconds: 2} : {});
}

function filterOf(query: Record<string, string | undefined>): ReportFilter {
    const status = query["status"];
    const date = (text: string | undefined) => text != null && text !== "" && !Number.isNaN(Date.parse(text)) ? new Date(text) : undefined;
    const since = date(query["since"]);
    const until = date(query["until"]);
    return {
        ...(status === "new" || reviewStatuses.includes(status as ReviewStatus) ? {status: status as ReviewStatus} : {}),
        ...(since != null ? {since} : {}),
        ...(until != null ? {until} : {}),
        ...(nonEmpty(query["platform"]) != null ? {platform: nonEmpty(query["platform"])!} : {})
    };
}

function clean(query: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => entry[1] != null && entry[0] !== "offset"));
}

function nonEmpty(text: string | undefined): string | undefined {
    const trimmed = text?.trim();
    return trimmed == null || trimmed === "" ? undefined : trimmed;
}

function yesNo(value: boolean | null): string {
    return value == null ? "—" : value ? "yes" : "no";
}
