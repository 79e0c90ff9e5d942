export type RepetitionDetectorOptions = {
    /** The longest repeating unit looked for, in characters. */
    readonly maxPeriod: number,
    /** A repeat must cover at least this many characters... */
    readonly minRepeatedChars: number,
    /** ...and the unit must occur at least this many times in a row. */
    readonly minRepeats: number
};

const defaults: RepetitionDetectorOptions = {maxPeriod: 200, minRepeatedChars: 240, minRepeats: 4};

/**
 * Notices a model stuck in a loop ("= 1 + 1 + 1 + …", the same sentence over and over) so generation can
 * stop long before the token budget runs out. It checks the tail of the text with the Z-algorithm on the
 * reversed tail, so a check costs O(window) and runs once per `checkEvery` new characters.
 */
export class RepetitionDetector {
    private text = "";
    private sinceCheck = 0;
    private readonly options: RepetitionDetectorOptions;
    private readonly window: number;

    public constructor(options: Partial<RepetitionDetectorOptions> = {}, private readonly checkEvery = 32) {
        this.options = {...defaults, ...options};
        this.window = Math.max(this.options.minRepeatedChars, this.options.maxPeriod * this.options.minRepeats) + this.options.maxPeriod;
    }

    /** Adds generated text; true once the tail has become a loop. */
    public push(chunk: string): boolean {
        this.text = (this.text + chunk).slice(-this.window);
        this.sinceCheck += chunk.length;
        if (this.sinceCheck < this.checkEvery)
            return false;

        this.sinceCheck = 0;
        return this.tailRepeats();
    }

    private tailRepeats(): boolean {
        const reversed = [...this.text].reverse().join("");
        const z = zFunction(reversed);
        const {maxPeriod, minRepeatedChars, minRepeats} = this.options;

        for (let period = 1; period <= Math.min(maxPeriod, reversed.length - 1); period++) {
            // The tail is periodic with this period over z[period] + period characters.
            const span = (z[period] ?? 0) + period;
            if (span >= minRepeatedChars && span >= minRepeats * period)
                return true;
        }
        return false;
    }
}

function zFunction(text: string): number[] {
    const z = new Array<number>(text.length).fill(0);
    for (let i = 1, left = 0, right = 0; i < text.length; i++) {
        if (i < right)
            z[i] = Math.min(right - i, z[i - left] ?? 0);
        while (i + (z[i] ?? 0) < text.length && text[z[i] ?? 0] === text[i + (z[i] ?? 0)])
            z[i] = (z[i] ?? 0) + 1;
        if (i + (z[i] ?? 0) > right) {
            left = i;
            right = i + (z[i] ?? 0);
        }
    }
    return z;
}
