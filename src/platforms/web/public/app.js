// Kotae's playground. Model output and user text only ever reach the page through textContent or as
// attribute values set by the DOM API, never as HTML.
const $ = (id) => document.getElementById(id);
let interactionId;

/** POSTs JSON with Kotae's header (the server refuses state changes without it) and reads server-sent events. */
async function streamEvents(url, body, onEvent) {
    const response = await fetch(url, {method: "POST", headers: {"content-type": "application/json", "x-kotae": "1"}, body: JSON.stringify(body)});
    // A refusal before any stream (e.g. 429, too many requests) carries its kind message as plain text.
    if (!response.ok) {
        onEvent({type: "failed", message: await response.text()});
        return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (line.startsWith("data: ")) onEvent(JSON.parse(line.slice(6)));
        }
    }
}

$("solve").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("result").hidden = true;
    $("live").textContent = "";
    $("pages").replaceChildren();
    $("answers").textContent = "";
    $("reported").textContent = "";
    await streamEvents("/api/solve", {problem: $("problem").value, mode: $("mode").value, style: $("style").value}, (engineEvent) => {
        switch (engineEvent.type) {
            case "queued": $("status").textContent = engineEvent.position > 0 ? `#${engineEvent.position}…` : "…"; break;
            case "started": $("status").textContent = "考えています… / Thinking…"; break;
            case "code": $("status").textContent = `Python ${engineEvent.n}/${engineEvent.max}…`; break;
            case "notice": $("status").textContent = engineEvent.message; break;
            case "text": if (engineEvent.sample === 0) $("live").textContent += engineEvent.text; break;
            case "failed": $("status").textContent = engineEvent.message; break;
            case "done": {
                const result = engineEvent.result;
                interactionId = result.interactionId;
                $("status").textContent = "";
                $("summary").textContent = result.answer != null ? `答え / Answer: ${result.answer}` : "答えが見つかりませんでした / No answer";
                $("card").hidden = result.answer == null;
                if (result.answer != null) $("card").src = `/api/interactions/${interactionId}/answer.png`;
                $("result").hidden = false;
                break;
            }
        }
    });
});

/** Appends the pages under `base` (base/1.png, base/2.png, …) to `container` until one is missing. */
async function appendPages(container, base, maxPages, alt) {
    for (let page = 1; page <= maxPages; page++) {
        const image = new Image();
        image.alt = `${alt} ${page}`;
        const loaded = new Promise((resolve) => { image.onload = () => resolve(true); image.onerror = () => resolve(false); });
        image.src = `${base}/${page}.png`;
        if (!(await loaded)) break;
        container.append(image);
    }
}

$("show").addEventListener("click", async () => {
    $("pages").replaceChildren();
    await appendPages($("pages"), `/api/interactions/${interactionId}/solution`, 8, "solution page");
});

$("followup").addEventListener("submit", async (event) => {
    event.preventDefault();
    const turn = document.createElement("div");
    turn.className = "turn";
    const asked = document.createElement("p");
    asked.textContent = `> ${$("question").value}`;
    const reply = document.createElement("pre");
    turn.append(asked, reply);
    $("answers").append(turn);
    await streamEvents(`/api/interactions/${interactionId}/followup`, {question: $("question").value}, (engineEvent) => {
        if (engineEvent.type === "text") reply.textContent += engineEvent.text;
        if (engineEvent.type === "failed") reply.textContent += engineEvent.message;
        // Math is unreadable as raw TeX: draw it, as the chat adapters do.
        if (engineEvent.type === "replied" && /[$\\]/.test(engineEvent.text))
            void appendPages(turn, `/api/interactions/${interactionId}/followups/${engineEvent.turnIndex}`, 4, "follow-up page");
    });
});

$("report").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(`/api/interactions/${interactionId}/report`, {
        method: "POST", headers: {"content-type": "application/json", "x-kotae": "1"},
        body: JSON.stringify({answer: $("correct").value, comment: $("comment").value})
    });
    $("reported").textContent = response.ok ? "報告ありがとうございます / Thank you for the report" : `HTTP ${response.status}`;
});
