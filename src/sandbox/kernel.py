"""Kotae's Python kernel: runs model-written code blocks, notebook-style, inside the sandbox.

Started once per interpreter by PythonInterpreter.ts and kept warm: sympy and numpy are imported
(and sympy's common first calls made) before it says it is ready, so a block never pays for them
(~0.5 s). Inside bubblewrap it is the init of its own pid namespace (--pid-namespace).

Protocol (everything else on the output pipe is the block's own output):
  - requests, one JSON line each on the original stdin:  {"nonce": str, "code": str, "keep": int}
  - records on the original stdout, after the block's output:  "\\0kotae:" nonce ":" JSON "\\n"
    The first record, nonce "ready", carries versions; each block ends with
    {"ok": bool, "error": str | null, "dropped": int}.
The parent only accepts the end record that carries the request's fresh random nonce, so output that
merely looks like a record is shown as output. Code runs in this process and could find the nonce,
but then it only garbles its own session: the parent bounds everything it reads and kills the
interpreter on anything unreadable.

User code gets /dev/null as stdin and the output pipe as stdout and stderr (so they stay in order);
the kernel keeps private duplicates of the request and output pipes, so a block that closes or
redirects fds 0-2 cannot cut the kernel off.
"""

import ast
import json
import linecache
import os
import signal
import sys
import traceback

# Bound once, so a block that rebinds os.write or json.dumps cannot break the kernel by accident.
_write = os.write
_dup2 = os.dup2
_getpid = os.getpid
_exit = os._exit
_dumps = json.dumps
_loads = json.loads

RECORD = b"\0kotae:"
TRACEBACK_LINES = 10
LINE_CHARS = 300


class Output:
    """sys.stdout and sys.stderr for blocks: passes the first `budget` characters to the output pipe
    and only counts the rest, so printing 100 MB costs the block CPU time, not a flood on the pipe."""

    encoding = "utf-8"
    errors = "backslashreplace"

    def __init__(self, fd):
        self._fd = fd
        self.budget = 0
        self.dropped = 0

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        shown = text[:self.budget] if self.budget > 0 else ""
        self.budget -= len(shown)
        self.dropped += len(text) - len(shown)
        if shown:
            write_all(self._fd, shown.encode("utf-8", "backslashreplace"))
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def fileno(self):
        return 1

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False


def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            view = view[_write(fd, view):]
        except BrokenPipeError:
            _exit(0)  # the parent is gone


def close_inherited_fds(keep):
    """Closes every fd the interpreter inherited besides its own (bwrap passes through whatever the
    spawning process leaked), so no block can reach a pipe outside the sandbox."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the directory fd listdir used, already closed


def describe_error(error):
    """The traceback from the first frame of user code on (no kernel frames), clipped to its last
    lines and each line to a readable length, which is what a model can react to."""
    try:
        return format_traceback(error)
    except BaseException:  # an exception whose formatting fails (or runs out of memory) still gets named
        return f"{type(error).__name__} (its traceback could not be formatted)"


def format_traceback(error):
    tb = error.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell "):
        tb = tb.tb_next
    lines = "".join(traceback.format_exception(type(error), error, tb)).rstrip("\n").split("\n")
    lines = [line if len(line) <= LINE_CHARS else line[:LINE_CHARS] + " …" for line in lines]
    if len(lines) > TRACEBACK_LINES:
        lines = [lines[0], "  …"] + lines[-(TRACEBACK_LINES - 2):]
    return "\n".join(lines)


def run_cell(code, filename, namespace, output):
    """Runs a block like a notebook cell: a bare last expression is evaluated and its repr echoed."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)  # source lines in tracebacks
    tree = ast.parse(code, filename, "exec")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
        if value is not None:
            output.write(repr(value) + "\n")


def reap_leftovers():
    """Kills every other process in the kernel's pid namespace (from its init, kill(-1) reaches all of
    them and nothing outside) and reaps them, so nothing a block started outlives the block."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def main():
    own_pid_namespace = "--pid-namespace" in sys.argv[1:]

    import numpy
    import sympy

    # First calls load much more of sympy (solve alone takes ~0.15 s): pay for the common ones before
    # saying ready rather than in a session's first block.
    x = sympy.Symbol("x")
    sympy.solve(x**2 - 2, x)
    sympy.simplify(sympy.sin(x)**2 + sympy.cos(x)**2)
    sympy.integrate(x**2, (x, 0, 1))

    requests = os.fdopen(os.dup(0), "rb")
    out = os.dup(1)
    close_inherited_fds({0, 1, 2, requests.fileno(), out})
    null = os.open(os.devnull, os.O_RDWR)
    output = Output(out)
    stdin = open(null, "r", closefd=False)
    kernel_pid = _getpid()

    def send(nonce, record):
        write_all(out, RECORD + nonce.encode("ascii") + b":" + _dumps(record).encode("utf-8") + b"\n")

    send("ready", {"python": sys.version.split()[0], "sympy": sympy.__version__, "numpy": numpy.__version__})

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for cell, line in enumerate(requests, start=1):
        request = _loads(line)
        _dup2(null, 0)
        _dup2(out, 1)
        _dup2(out, 2)
        sys.stdin = sys.__stdin__ = stdin
        sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = output
        output.budget = request["keep"]
        output.dropped = 0
        error = None
        try:
            run_cell(request["code"], f"<cell {cell}>", namespace, output)
        except BaseException as raised:  # SystemExit and KeyboardInterrupt too: the session goes on
            error = raised
        if _getpid() != kernel_pid:
            _exit(0)  # a fork of the kernel that returned from the block: only the kernel answers
        if own_pid_namespace:
            reap_leftovers()
        send(request["nonce"], {"ok": error is None, "error": None if error is None else describe_error(error),
                                "dropped": output.dropped})


main()
