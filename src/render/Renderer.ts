import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {Worker} from "node:worker_threads";
import type {MathFallback} from "./InlineLayout.js";
import type {RenderedImage, RenderRequest, WorkerMessage, WorkerResult} from "./RenderRequest.js";
import {textAlternative} from "./SolutionDocument.js";

export type RenderResult = {
    /** PNG images: one answer card, or the pages of a solution or of a user's TeX. Empty when rendering failed or timed out. */
    readonly images: readonly RenderedImage[],
    /** The plain text to send with the images (LaTeX as written), always present. */
    readonly alt: string,
    /** Formulas shown as their TeX source because MathJax refused them. */
    readonly fallbacks: readonly MathFallback[],
    readonly truncated: boolean,
    /** Why there is no image: the render took longer than allowed, or failed. */
    readonly failure?: "timeout" | "error",
    readonly durationMs: number
};

export type RendererOptions = {
    /** A render that takes longer is stopped (its worker is replaced) and answered with text only. */
    readonly timeoutMs?: number,
    /** Where to report fallbacks, timeouts and failures (default: standard error; `serve` passes its logger). */
    readonly log?: (message: string) => void,
    /** Sees each render's result, images or not (metrics); none by default. */
    readonly onRendered?: (kind: RenderRequest["kind"], result: RenderResult) => void
};

type Pending = {
    readonly request: RenderRequest,
    readonly resolve: (result: WorkerResult) => void,
    readonly reject: (error: Error) => void
};

/**
 * Kotae's one entry point for images: answer cards and solution pages, for every adapter. Rendering runs
 * in a worker thread, set up once (MathJax, fonts, sharp) and used one request at a time; a request that
 * hangs is cut off by terminating the worker, and the next request gets a fresh one.
 */
export class Renderer implements AsyncDisposable {
    private worker: Worker | undefined;
    private readonly queue: Pending[] = [];
    private inFlight: {readonly id: number, readonly pending: Pending, readonly timer: NodeJS.Timeout} | undefined;
    private nextId = 1;
    private closed = false;
    private readonly timeoutMs: number;
    private readonly log: (message: string) => void;
    private readonly onRendered: ((kind: RenderRequest["kind"], result: RenderResult) => void) | undefined;

    public constructor(options: RendererOptions = {}) {
        this.timeoutMs = options.timeoutMs ?? 10_000;
        this.log = options.log ?? ((message) => process.stderr.write(`[render] ${message}\n`));
        this.onRendered = options.onRendered;
    }

    /** Starts the worker ahead of the first request (MathJax and the fonts take a few hundred ms to load). */
    public warmUp(): Promise<RenderResult> {
        return this.render({kind: "answer", answer: "0"});
    }

    public async render(request: RenderRequest): Promise<RenderResult> {
        const result = await this.renderOnce(request);
        this.onRendered?.(request.kind, result);
        return result;
    }

    private async renderOnce(request: RenderRequest): Promise<RenderResult> {
        const startedAt = performance.now();
        const alt = request.kind === "answer" ? request.answer : request.kind === "tex" ? request.source : textAlternative(request.solution);
        const elapsed = (): number => Math.round(performance.now() - startedAt);
        try {
            const result = await this.enqueue(request);
            // A /tex user's own TeX error is refused to them and stored with their request: nothing for the operator.
            if (request.kind !== "tex")
                for (const fallback of result.fallbacks)
                    this.log(`TeX shown as source (${fallback.errorId}: ${fallback.message}): ${clip(fallback.tex)}`);
            return {...result, alt, durationMs: elapsed()};
        } catch (error) {
            const failure = error instanceof RenderTimeout ? "timeout" : "error";
            this.log(`${request.kind} ${failure === "timeout" ? `timed out after ${this.timeoutMs} ms` : `failed: ${(error as Error).message}`}; sending text only`);
            return {images: [], alt, fallbacks: [], truncated: false, failure, durationMs: elapsed()};
        }
    }

    public async close(): Promise<void> {
        this.closed = true;
        for (const pending of this.queue.splice(0))
            pending.reject(new Error("The renderer was closed"));
        const worker = this.worker;
        this.worker = undefined;
        await worker?.terminate();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }

    private enqueue(request: RenderRequest): Promise<WorkerResult> {
        if (this.closed)
            return Promise.reject(new Error("The renderer was closed"));
        return new Promise((resolve, reject) => {
            this.queue.push({request, resolve, reject});
            this.dispatch();
        });
    }

    private dispatch(): void {
        if (this.inFlight != null)
            return;
        const pending = this.queue.shift();
        if (pending == null)
            return;
        const id = this.nextId++;
        const timer = setTimeout(() => {
            // Only terminating the thread stops a render stuck inside MathJax.
            void this.worker?.terminate();
            this.worker = undefined;
            this.settle(id, (current) => current.reject(new RenderTimeout()));
        }, this.timeoutMs);
        this.inFlight = {id, pending, timer};
        this.workerThread().postMessage({id, request: pending.request});
    }

    private settle(id: number, outcome: (pending: Pending) => void): void {
        if (this.inFlight?.id !== id)
            return;
        clearTimeout(this.inFlight.timer);
        const {pending} = this.inFlight;
        this.inFlight = undefined;
        outcome(pending);
        this.dispatch();
    }

    private workerThread(): Worker {
        if (this.worker != null)
            return this.worker;
        const worker = new Worker(workerFile(), {resourceLimits: {maxOldGenerationSizeMb: 512}});
        worker.unref();
        worker.on("message", (message: WorkerMessage) => this.settle(message.id, (pending) => message.ok
            ? pending.resolve(message.result)
            : pending.reject(new Error(message.error))));
        worker.on("error", (error) => {
            if (this.worker === worker) this.worker = undefined;
            if (this.inFlight != null) this.settle(this.inFlight.id, (pending) => pending.reject(error));
        });
        worker.on("exit", (code) => {
            if (this.worker !== worker) return; // replaced after a timeout, or closed
            this.worker = undefined;
            if (this.inFlight != null) this.settle(this.inFlight.id, (pending) => pending.reject(new Error(`the render worker exited (${code})`)));
        });
        this.worker = worker;
        return worker;
    }
}

class RenderTimeout extends Error {
    public constructor() {
        super("The render timed out");
        this.name = "RenderTimeout";
    }
}

/**
 * The compiled worker beside this file; when this file runs from the TypeScript sources (the test
 * runner), the one in dist/ (`npm run build`), since a worker thread cannot load TypeScript.
 */
function workerFile(): string {
    const beside = fileURLToPath(new URL("./renderWorker.js", import.meta.url));
    if (fs.existsSync(beside))
        return beside;
    const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/src/render/renderWorker.js");
    if (fs.existsSync(built))
        return built;
    throw new Error(`The render worker is not built (${built}): run npm run build`);
}

function clip(text: string): string {
    return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
