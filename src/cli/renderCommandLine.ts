import fs from "node:fs";
import path from "node:path";
import type {Locale} from "../i18n/messages.js";
import {Renderer, type RenderResult} from "../render/Renderer.js";
import type {ThemeName} from "../render/RenderTheme.js";
import {ExitCode} from "./cliSupport.js";

export const renderKinds = ["answer", "solution"] as const;

export type RenderCommandLineOptions = {
    /** The first image's file; a solution's further pages go beside it as name-2.png, name-3.png, … */
    readonly output: string,
    readonly kind: typeof renderKinds[number],
    readonly theme: ThemeName,
    readonly locale: Locale,
    readonly timeoutMs?: number,
    readonly json: boolean
};

type WrittenFile = {readonly path: string, readonly width: number, readonly height: number, readonly bytes: number};

/**
 * `kotae render`: draws an answer card or a solution's pages with the same renderer the chat adapters use,
 * into PNG files, to check how a formula or a solution will look. Formulas MathJax refuses are drawn as
 * their TeX source and reported on standard error (the renderer logs them). Exit 0: images written;
 * 1: no image could be made (the text alternative is printed instead); 2: nothing to render or the files
 * cannot be written.
 */
export async function runRender(text: string, options: RenderCommandLineOptions): Promise<ExitCode> {
    if (text.trim() === "") {
        process.stderr.write("kotae: nothing to render\n");
        return ExitCode.Usage;
    }
    const renderer = new Renderer(options.timeoutMs != null ? {timeoutMs: options.timeoutMs} : {});
    let result: RenderResult;
    try {
        const {theme, locale} = options;
        result = await renderer.render(options.kind === "answer"
            ? {kind: "answer", answer: text.trim(), theme, locale}
            : {kind: "solution", solution: {text}, theme, locale});
    } finally {
        await renderer.close();
    }

    let files: WrittenFile[];
    try {
        files = result.images.map((image, index) => {
            const file = pagePath(options.output, index + 1);
            fs.writeFileSync(file, image.png);
            return {path: file, width: image.width, height: image.height, bytes: image.png.byteLength};
        });
    } catch (error) {
        process.stderr.write(`kotae: cannot write the image: ${(error as Error).message}\n`);
        return ExitCode.Usage;
    }

    if (options.json)
        process.stdout.write(JSON.stringify({
            files, fallbacks: result.fallbacks, truncated: result.truncated, failure: result.failure ?? null, durationMs: result.durationMs
        }, null, 2) + "\n");
    else if (result.failure != null) {
        process.stdout.write(result.alt.endsWith("\n") ? result.alt : result.alt + "\n");
        process.stderr.write(`kotae: no image was made (${result.failure === "timeout" ? "the render timed out" : "the renderer failed, see above"}); ` +
            "printed its text instead\n");
    } else {
        for (const file of files)
            process.stdout.write(`${file.path}  ${file.width}×${file.height} px, ${(file.bytes / 1024).toFixed(1)} KiB\n`);
        process.stderr.write(`[${result.durationMs} ms${result.fallbacks.length > 0 ? `, ${result.fallbacks.length} formula(s) shown as TeX source` : ""}` +
            `${result.truncated ? ", cut short: the text alternative has the rest" : ""}]\n`);
    }
    return result.failure == null ? ExitCode.Ok : ExitCode.Failed;
}

/** Page 1 is the file asked for; page n is the same name with -n before the extension. */
function pagePath(output: string, page: number): string {
    if (page === 1)
        return output;
    const {dir, name, ext} = path.parse(output);
    return path.join(dir, `${name}-${page}${ext}`);
}
