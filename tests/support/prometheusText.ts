/** One sample of Prometheus' text format: `name{label="value",…} value`. */
export type PrometheusSample = {readonly name: string, readonly labels: Readonly<Record<string, string>>, readonly value: number};

/**
 * Parses Prometheus' text exposition format (version 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format):
 * `# HELP`/`# TYPE` comment lines, then one sample a line, label values in double quotes with `\\`, `\"` and `\n` escaped.
 * Throws on a line that is neither, so a malformed exposition fails the test.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
    const samples: PrometheusSample[] = [];
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
        if (match == null) throw new Error(`Not a Prometheus sample line: ${line}`);
        const labels: Record<string, string> = {};
        for (const label of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g))
            labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_all, escaped: string) => escaped === "n" ? "\n" : escaped);
        samples.push({name: match[1]!, labels, value: Number(match[3])});
    }
    return samples;
}

/** The value of the sample with this name and (at least) these labels; undefined when there is none. */
export function sampleValue(samples: readonly PrometheusSample[], name: string, labels: Record<string, string> = {}): number | undefined {
    return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}
