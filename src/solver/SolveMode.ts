/** auto: tool-integrated first, falling back to text reasoning (MAmmoTH's hybrid); tir: Python tool use only; cot: text only. */
export const solveModes = ["auto", "tir", "cot"] as const;
export type SolveMode = typeof solveModes[number];

/** How a solution was reached: text only, with code, or with code first and then text (auto's fallback). */
export type SolvePath = "cot" | "tir" | "tir_then_cot";

export function isSolveMode(mode: string): mode is SolveMode {
    return (solveModes as readonly string[]).includes(mode);
}
