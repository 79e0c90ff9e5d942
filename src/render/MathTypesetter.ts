import {mathjax} from "@mathjax/src/js/mathjax.js";
import {TeX} from "@mathjax/src/js/input/tex.js";
import {SVG} from "@mathjax/src/js/output/svg.js";
import {liteAdaptor, type LiteAdaptor} from "@mathjax/src/js/adaptors/liteAdaptor.js";
import {RegisterHTMLHandler} from "@mathjax/src/js/handlers/html.js";
import type {MathDocument} from "@mathjax/src/js/core/MathDocument.js";
import "@mathjax/src/js/input/tex/base/BaseConfiguration.js";
import "@mathjax/src/js/input/tex/ams/AmsConfiguration.js";
import "@mathjax/src/js/input/tex/newcommand/NewcommandConfiguration.js";
import "@mathjax/src/js/input/tex/textmacros/TextMacrosConfiguration.js";
import "@mathjax/src/js/input/tex/boldsymbol/BoldsymbolConfiguration.js";
import "@mathjax/src/js/input/tex/cancel/CancelConfiguration.js";
import "@mathjax/src/js/input/tex/mathtools/MathtoolsConfiguration.js";
import "@mathjax/src/js/input/tex/cases/CasesConfiguration.js";
import "@mathjax/src/js/input/tex/braket/BraketConfiguration.js";
import "@mathjax/src/js/input/tex/gensymb/GensymbConfiguration.js";
import "@mathjax/src/js/input/tex/upgreek/UpgreekConfiguration.js";
import "@mathjax/src/js/input/tex/enclose/EncloseConfiguration.js";
import {MathJaxNewcmFont} from "@mathjax/mathjax-newcm-font/js/svg.js";

/** A typeset formula in MathJax's font units (1000 per em), with its baseline. */
export type TypesetMath = {
    /** The inner SVG markup (defs and glyphs), colour already applied. */
    readonly body: string,
    readonly viewBox: string,
    /** Size in ems of the math font: width, height above the baseline, depth below it. */
    readonly width: number,
    readonly ascent: number,
    readonly descent: number
};

/** A formula MathJax refused (unbalanced braces, unknown macro, recursion…), or one too large to draw. */
export class MathError extends Error {
    public constructor(public readonly id: string, message: string) {
        super(message);
        this.name = "MathError";
    }
}

const packages = ["base", "ams", "newcommand", "textmacros", "boldsymbol", "cancel", "mathtools", "cases", "braket", "gensymb", "upgreek", "enclose"];

/** Past these a formula is refused, whatever MathJax makes of it: `\rule{9999em}{9999em}` or 5000 nested fractions. */
const maxTexChars = 2000;
const maxWidthEms = 200;
const maxHeightEms = 60;

/**
 * TeX → SVG with MathJax 4 (lite DOM, no browser), initialised once per process. Errors throw instead
 * of turning into an `merror` node, which would rasterise as a black bar.
 */
export class MathTypesetter {
    private readonly adaptor: LiteAdaptor;
    private readonly document: MathDocument<unknown, unknown, unknown>;

    public constructor(textFontFamily: string) {
        // Fonts for characters outside the core set (\mathbb, \mathcal…) load on first use, from this package.
        mathjax.asyncLoad = (name: string) => import(name.replace("@mathjax/mathjax-newcm-font/js/", "@mathjax/mathjax-newcm-font/mjs/"));
        this.adaptor = liteAdaptor({fontSize: 16, cjkCharWidth: 1, unknownCharWidth: 0.6});
        RegisterHTMLHandler(this.adaptor);
        const tex = new TeX({
            packages,
            formatError: (_jax: unknown, error: {id?: string, message: string}) => {
                throw new MathError(error.id ?? "TexError", error.message);
            }
        });
        const svg = new SVG({
            fontCache: "local", fontData: MathJaxNewcmFont, mtextFont: textFontFamily, merrorFont: textFontFamily,
            // One <svg> per formula: Kotae breaks lines itself, between formulas, never inside one.
            linebreaks: {inline: false}
        });
        this.document = mathjax.document("", {InputJax: tex, OutputJax: svg}) as MathDocument<unknown, unknown, unknown>;
    }

    /** Typesets one formula in `color`. Throws MathError for TeX MathJax rejects or that would draw absurdly large. */
    public async typeset(tex: string, display: boolean, color: string): Promise<TypesetMath> {
        if (tex.length > maxTexChars)
            throw new MathError("TooLong", `The formula has ${tex.length} characters (at most ${maxTexChars})`);
        let node: unknown;
        try {
            node = await this.document.convertPromise(tex, {display, em: 16, ex: 8, containerWidth: 100_000});
        } catch (error) {
            if (error instanceof MathError) throw error;
            // MathJax's own limits (and a stack overflow from deep nesting) surface here.
            throw new MathError(error instanceof RangeError ? "TooDeep" : "MathJaxError", error instanceof Error ? error.message : String(error));
        } finally {
            this.document.clear();
        }
        // XML serialisation escapes < in attributes (outerHTML does not, and \text{<…>} would break the SVG);
        // the data-* attributes are MathJax bookkeeping librsvg has no use for.
        const markup = this.adaptor.serializeXML(node as never).replace(/ data-[a-z-]+="[^"]*"/g, "");
        const svgStart = markup.indexOf("<svg");
        const svgEnd = markup.lastIndexOf("</svg>");
        const viewBox = /viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"/.exec(markup);
        if (svgStart < 0 || svgEnd < 0 || viewBox == null)
            throw new MathError("NoSvg", "MathJax produced no SVG");
        const [, , minY, width, height] = viewBox.map(Number) as [number, number, number, number, number];
        if (width / 1000 > maxWidthEms || height / 1000 > maxHeightEms)
            throw new MathError("TooLarge", `The formula would be ${(width / 1000).toFixed(0)} × ${(height / 1000).toFixed(0)} em`);

        const body = markup.slice(markup.indexOf(">", svgStart) + 1, svgEnd).replaceAll("currentColor", color);
        return {
            body,
            viewBox: viewBox.slice(1).join(" "),
            width: width / 1000,
            ascent: -minY / 1000,
            descent: (height + minY) / 1000
        };
    }
}
