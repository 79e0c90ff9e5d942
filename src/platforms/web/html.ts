/** Markup that is already safe (built by `html`), as opposed to text that must be escaped. */
export class SafeHtml {
    public constructor(public readonly value: string) {}

    public toString(): string {
        return this.value;
    }
}

/**
 * A template tag that escapes every interpolated value (model output and user text are hostile), except
 * SafeHtml from nested `html` templates and arrays of them.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
    let out = strings[0] ?? "";
    values.forEach((value, index) => {
        out += render(value) + (strings[index + 1] ?? "");
    });
    return new SafeHtml(out);
}

function render(value: unknown): string {
    if (value instanceof SafeHtml) return value.value;
    if (Array.isArray(value)) return value.map(render).join("");
    if (value == null || value === false) return "";
    return escapeHtml(String(value));
}

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"'`]/g, (character) => `&#${character.codePointAt(0)};`);
}

/**
 * A whole page with Kotae's strict content security policy in mind: scripts and styles only from /static.
 * `refreshSeconds` reloads it while something it shows is still running, without any script.
 */
export function page(title: string, body: SafeHtml, options: {script?: string, refreshSeconds?: number} = {}): string {
    const {script, refreshSeconds} = options;
    return html`<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/static/style.css">
${script != null ? html`<script type="module" src="/static/${script}"></script>` : ""}
${refreshSeconds != null ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}
</head>
<body>
${body}
</body>
</html>`.value;
}
