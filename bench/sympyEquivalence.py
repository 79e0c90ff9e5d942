"""One-off measurement for bench/answerCheckBenchmark.ts: sympy as the answer checker's engine.

A persistent process reading one JSON line per pair: two formula trees already parsed by Kotae's
parser (src/answers/MathExpression.ts), built here with sympy's constructors. Model-written text is
never given to sympify/parse_expr/parse_latex (those eval), so this is the safe way sympy could be used.
Answers one JSON line: {"equal": true|false|null, "ms": seconds spent in sympy * 1000}.
"""
import json
import signal
import sys
import time

import sympy as sp


class TimedOut(Exception):
    pass


def on_alarm(_signum, _frame):
    raise TimedOut()


FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "i": sp.I, "infinity": sp.oo}


def build(tree):
    kind = tree["kind"]
    if kind == "number":
        return sp.Rational(int(tree["value"]["n"]), int(tree["value"]["d"]))
    if kind == "constant":
        return CONSTANTS[tree["name"]]
    if kind == "variable":
        return sp.Symbol(tree["name"])
    if kind == "negate":
        return -build(tree["operand"])
    if kind == "root":
        return sp.root(build(tree["radicand"]), tree["degree"])
    if kind == "function":
        argument = build(tree["argument"])
        if tree["name"] == "log":
            return sp.log(argument, build(tree["base"])) if "base" in tree else sp.log(argument)
        return FUNCTIONS[tree["name"]](argument)
    left, right = build(tree["left"]), build(tree["right"])
    operator = tree["operator"]
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "/":
        return left / right
    return left ** right


signal.signal(signal.SIGALRM, on_alarm)
for line in sys.stdin:
    pair = json.loads(line)
    start = time.perf_counter()
    signal.alarm(5)
    try:
        # What math-verify does at heart: simplify the difference and test for zero.
        equal = bool(sp.simplify(build(pair["a"]) - build(pair["b"])) == 0)
    except TimedOut:
        equal = None
    except Exception:  # a tree sympy cannot build or simplify: no verdict
        equal = None
    finally:
        signal.alarm(0)
    print(json.dumps({"equal": equal, "ms": (time.perf_counter() - start) * 1000}), flush=True)
