import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {BubblewrapSandbox} from "../../src/sandbox/BubblewrapSandbox.js";
import type {CodeSession} from "../../src/sandbox/CodeSandbox.js";
import {sandboxProcesses} from "./sandboxProcesses.js";

let sandbox: BubblewrapSandbox;

beforeAll(async () => {
    sandbox = await BubblewrapSandbox.create({poolSize: 2, limits: {executionSeconds: 3}});
});

afterAll(async () => {
    await sandbox.close();
    expect(sandboxProcesses()).toEqual([]);
});

async function withSession<T>(use: (session: CodeSession) => Promise<T>, on: BubblewrapSandbox = sandbox): Promise<T> {
    await using session = await on.openSession();
    return await use(session);
}

describe("a session runs blocks like notebook cells", () => {
    it("keeps variables across blocks and echoes a bare last expression, sympy values included", () => withSession(async (session) => {
        expect(await session.execute("x = 3\nx*2")).toMatchObject({status: "ok", output: "6\n", truncated: false, restarted: false});
        expect((await session.execute("import sympy as sp\nt = sp.Symbol('t')\nsp.expand((t + x)**2)")).output).toBe("t**2 + 6*t + 9\n");
        expect((await session.execute("sp.solve(t**2 - x, t)")).output).toBe("[-sqrt(3), sqrt(3)]\n");
        expect((await session.execute("y = x + 1")).output).toBe("");
        expect((await session.execute("None")).output).toBe("");
        expect((await session.execute("y")).output).toBe("4\n");
    }));

    it("keeps print, stderr and the echoed value in order", () => withSession(async (session) => {
        const result = await session.execute("import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')\n'd'");
        expect(result).toMatchObject({status: "ok", output: "a\nb\nc\n'd'\n"});
    }));

    it("reports an error as the last lines of the user-code traceback and stays usable", () => withSession(async (session) => {
        await session.execute("def f(n):\n    return 1 / n");
        const result = await session.execute("print('before')\nf(0)");
        expect(result.status).toBe("error");
        expect(result.output).toMatch(/^before\nTraceback \(most recent call last\):\n/);
        expect(result.output).toContain('File "<cell 2>", line 2, in <module>');
        expect(result.output).toContain('File "<cell 1>", line 2, in f\n    return 1 / n');
        expect(result.output).toMatch(/ZeroDivisionError: division by zero$/);
        expect(result.output).not.toContain("kernel.py");
        expect(await session.execute("f(4)")).toMatchObject({status: "ok", output: "0.25\n", restarted: false});

        const syntax = await session.execute("x = (");
        expect(syntax.status).toBe("error");
        expect(syntax.output).toContain("SyntaxError");
        expect((await session.execute("raise SystemExit(3)")).output).toMatch(/SystemExit: 3$/);
        expect((await session.execute("f(5)")).output).toBe("0.2\n");
    }));

    it("clips a deep traceback to its last lines", () => withSession(async (session) => {
        const result = await session.execute("def down(n):\n    if n == 0:\n        raise ValueError('x' * 2000)\n    down(n - 1)\ndown(50)");
        expect(result.status).toBe("error");
        const lines = result.output.split("\n");
        expect(lines.length).toBeLessThanOrEqual(10);
        expect(lines[1]).toBe("  …");
        expect(lines.at(-1)).toMatch(/^ValueError: x+ …$/);
        expect(lines.at(-1)!.length).toBeLessThanOrEqual(302);
    }));

    it("cuts output at 1000 characters with a marker counting the rest", () => withSession(async (session) => {
        const result = await session.execute("print('a' * 5000)");
        expect(result).toMatchObject({status: "ok", truncated: true});
        expect(result.output).toBe("a".repeat(1000) + "\n... <output cut: 4001 more characters>");

        const many = await session.execute("for i in range(200000):\n    print(i)");
        expect(many.truncated).toBe(true);
        expect(many.output).toMatch(/^0\n1\n2\n[\s\S]*\n\.\.\. <output cut: \d+ more characters>$/);
        expect(many.durationMs).toBeLessThan(3000);
    }));

    it("keeps Japanese and astral characters intact, also at the cut", () => withSession(async (session) => {
        expect((await session.execute("print('日本語の答え: 答え = 42')")).output).toBe("日本語の答え: 答え = 42\n");
        const cut = await session.execute("print('日' * 999 + '🎌' * 10)");
        expect(cut.output).toBe("日".repeat(999) + "🎌\n... <output cut: 10 more characters>");
    }));

    it("honours a custom output limit", async () => {
        const small = await BubblewrapSandbox.create({poolSize: 0, limits: {outputChars: 50}});
        try {
            expect(small.limits.outputChars).toBe(50);
            const result = await withSession((session) => session.execute("print('b' * 60)"), small);
            expect(result.output).toBe("b".repeat(50) + "\n... <output cut: 11 more characters>");
        } finally {
            await small.close();
        }
    });

    it("restarts the interpreter after a timeout and says so once", () => withSession(async (session) => {
        await session.execute("kept = 1");
        const started = performance.now();
        const timedOut = await session.execute("print('working')\nwhile True:\n    pass");
        expect(timedOut).toMatchObject({status: "timeout", restarted: false});
        expect(timedOut.output).toBe("working\nExecution timed out after 3 s; the interpreter was stopped.");
        expect(performance.now() - started).toBeLessThan(5000);

        const after = await session.execute("kept");
        expect(after).toMatchObject({status: "error", restarted: true});
        expect(after.output).toContain("NameError: name 'kept' is not defined");
        expect(await session.execute("1 + 1")).toMatchObject({status: "ok", output: "2\n", restarted: false});
    }));

    it("never shares an interpreter between sessions", async () => {
        await withSession(async (first) => {
            await first.execute("secret = 'from A'\nopen('/tmp/mark', 'w').write('A')");
            await withSession(async (second) => {
                const seen = await second.execute("import os\n(os.path.exists('/tmp/mark'), 'secret' in globals())");
                expect(seen.output).toBe("(False, False)\n");
            });
            expect((await first.execute("secret")).output).toBe("'from A'\n");
        });
    });

    it("stops a block when its signal aborts, and restarts for the next one", () => withSession(async (session) => {
        await session.execute("n = 1");
        await expect(session.execute("import time\ntime.sleep(60)", {signal: AbortSignal.timeout(300)}))
            .rejects.toMatchObject({name: "TimeoutError"});
        expect(await session.execute("'n' in globals()")).toMatchObject({output: "False\n", restarted: true});
    }));

    it("refuses blocks after dispose and sessions after close", async () => {
        const own = await BubblewrapSandbox.create({poolSize: 1});
        const session = await own.openSession();
        expect((await session.execute("1")).output).toBe("1\n");
        await session.dispose();
        await expect(session.execute("1")).rejects.toThrow(/disposed/);
        await own.close();
        await expect(own.openSession()).rejects.toMatchObject({code: ErrorCode.ShuttingDown});
    });
});

describe("creating the sandbox", () => {
    it("throws tir_unavailable naming what is missing and how to install it", async () => {
        const error = await BubblewrapSandbox.create({poolSize: 0, python: "/usr/bin/no-such-python3"}).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(KotaeError);
        expect(error).toMatchObject({code: ErrorCode.TirUnavailable, params: {fix: "apt-get install python3 python3-sympy python3-numpy"}});
        expect((error as Error).message).toContain("Python at /usr/bin/no-such-python3");
    });

    it("throws tir_unavailable on a CPU it has no seccomp filter for, rather than run code unfiltered", async () => {
        const arch = Object.getOwnPropertyDescriptor(process, "arch")!;
        Object.defineProperty(process, "arch", {...arch, value: "riscv64"});
        try {
            const error = await BubblewrapSandbox.create({poolSize: 0}).catch((caught: unknown) => caught);
            expect(error).toMatchObject({code: ErrorCode.TirUnavailable, params: {fix: "run Kotae on an x86_64 or aarch64 host"}});
            expect((error as Error).message).toContain("missing a seccomp filter for this CPU (riscv64; Kotae has syscall tables for x64 and arm64)");
        } finally {
            Object.defineProperty(process, "arch", arch);
        }
    });

    it("throws tir_unavailable when the interpreter cannot start the kernel", async () => {
        const error = await BubblewrapSandbox.create({poolSize: 0, python: "/usr/bin/false"}).catch((caught: unknown) => caught);
        expect(error).toMatchObject({code: ErrorCode.TirUnavailable});
        expect((error as Error).message).toMatch(/did not start.*exit code 1|exited \(exit code 1\)/);
    });

    it("runs unsandboxed only when asked to, with limits and kills still in force", async () => {
        const unsafe = await BubblewrapSandbox.create({poolSize: 0, unsafeUnsandboxedPython: true, limits: {executionSeconds: 1}});
        try {
            expect(unsafe.isolated).toBe(false);
            await withSession(async (session) => {
                expect((await session.execute("x = 6\nx * 7")).output).toBe("42\n");
                const slept = await session.execute("import subprocess\nsubprocess.Popen(['/bin/sleep', '86401'])\nimport time\ntime.sleep(60)");
                expect(slept.status).toBe("timeout");
                expect(sandboxProcesses().filter((line) => line.includes("86401"))).toEqual([]);
            }, unsafe);
        } finally {
            await unsafe.close();
        }
    });
});
