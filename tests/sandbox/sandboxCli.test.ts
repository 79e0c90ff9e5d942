import fs from "node:fs";
import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {assertBuilt, runKotae} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {sandboxProcesses} from "./sandboxProcesses.js";

const workDirectory = temporaryDirectory("kotae-sandbox-cli-");

/** The compiled CLI, run from dist/ (so kernel.py is found from there too), in a folder of its own. */
function run(args: string[], input?: string, env: Record<string, string> = {}) {
    return runKotae(args, {cwd: workDirectory, env, ...(input != null ? {input} : {})});
}

beforeAll(assertBuilt);

describe("kotae sandbox exec", () => {
    it("runs standard input as a model's block and exits 0", () => {
        const result = run(["sandbox", "exec", "-"], "import sympy\nx = sympy.Symbol('x')\nprint('解:', sympy.solve(x**2 - 4, x))\nx + 1");
        expect(result.stdout).toBe("解: [-2, 2]\nx + 1\n");
        expect(result.stderr).toMatch(/^\[ok, \d+ ms\]\n$/);
        expect(result.status).toBe(0);
        expect(sandboxProcesses()).toEqual([]);
    });

    it("prints the result as JSON and exits 1 on an error", () => {
        const file = path.join(workDirectory, "block.py");
        fs.writeFileSync(file, "print('a' * 1200)\n1 / 0\n");
        const result = run(["sandbox", "exec", "--json", file]);
        expect(result.status).toBe(1);
        const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
        expect(parsed).toMatchObject({status: "error", truncated: true, restarted: false});
        expect(String(parsed["output"])).toMatch(/^a{1000}\n\.\.\. <output cut: 201 more characters>\nTraceback[\s\S]*ZeroDivisionError: division by zero$/);
    });

    it("exits 1 on a timeout, with the configured limit", () => {
        const result = run(["sandbox", "exec", "-"], "while True:\n    pass", {KOTAE_TIR_EXECUTION_SECONDS: "1"});
        expect(result.stdout).toBe("Execution timed out after 1 s; the interpreter was stopped.\n");
        expect(result.status).toBe(1);
        expect(sandboxProcesses()).toEqual([]);
    });

    it("exits 2 with the fix when the sandbox cannot run", () => {
        const result = run(["sandbox", "exec", "-"], "1", {KOTAE_PYTHON: "/usr/bin/no-such-python3"});
        expect(result.status).toBe(2);
        expect(result.stderr).toContain("apt-get install python3 python3-sympy python3-numpy");
    });
});
