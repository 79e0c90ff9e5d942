// The playground's /tex page. The user's text reaches the page only as a textContent or an attribute value
// set through the DOM API, never as HTML.
const $ = (id) => document.getElementById(id);

$("tex").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("status").textContent = "…";
    $("pages").replaceChildren();
    const response = await fetch("/api/tex", {
        method: "POST", headers: {"content-type": "application/json", "x-kotae": "1"},
        body: JSON.stringify({source: $("source").value, theme: $("theme").value})
    });
    const answer = await response.json().catch(() => ({message: response.statusText}));
    if (!response.ok) {
        $("status").textContent = answer.message;
        return;
    }
    $("status").textContent = "";
    for (let page = 1; page <= answer.pages; page++) {
        const image = document.createElement("img");
        image.src = `/api/tex/${answer.interactionId}/${page}.png`;
        image.alt = $("source").value;
        $("pages").append(image);
    }
});
