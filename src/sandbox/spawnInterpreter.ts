import {spawn, type ChildProcess} from "node:child_process";
import type {Writable} from "node:stream";
import type {InterpreterCommand} from "./interpreterCommand.js";

/**
 * Starts an interpreter command: pipes for stdin, stdout, stderr, bwrap's info fd (3) and every feed, nothing
 * else inherited; each feed's bytes are written and its pipe closed (bwrap reads the kernel's source and the
 * seccomp program from them). The process gets its own group, so a kill reaches everything it started that
 * stayed in the group. The caller owns the child: it reads the pipes and waits for the exit.
 */
export function spawnInterpreter(command: InterpreterCommand): ChildProcess {
    const child = spawn(command.file, command.args, {stdio: stdioFor(command), env: command.env, cwd: command.cwd, detached: true});
    for (const {fd, bytes} of command.feeds) {
        const feed = child.stdio[fd] as Writable;
        feed.on("error", () => {}); // EPIPE when bwrap failed before reading: the caller sees the exit
        feed.end(bytes);
    }
    return child;
}

function stdioFor(command: InterpreterCommand): Array<"pipe" | "ignore"> {
    const pipes = new Set([0, 1, 2, ...(command.reportsInitPid ? [3] : []), ...command.feeds.map((feed) => feed.fd)]);
    return Array.from({length: Math.max(...pipes) + 1}, (_, fd) => pipes.has(fd) ? "pipe" : "ignore");
}
