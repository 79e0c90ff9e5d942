import sharp from "sharp";
import {accuracyColumns, type EvalReport} from "./EvalReport.js";

const width = 760;
const height = 420;
const plot = {left: 70, right: 20, top: 50, bottom: 70};
const colors = ["#4c78a8", "#f58518", "#54a24b"];

function escapeXml(text: string): string {
    return text.replace(/[&<>"]/g, (character) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"})[character]!);
}

/**
 * The accuracy chart as SVG: per mode a group of bars (pass@1, and maj@k, pass@k with several samples), each with its 95% interval
 * as an error bar. Text in Noto Sans CJK JP, so Japanese dataset names draw.
 */
export function accuracyChartSvg(report: EvalReport): string {
    const metrics = accuracyColumns(report.run.samples);
    const plotWidth = width - plot.left - plot.right;
    const plotHeight = height - plot.top - plot.bottom;
    const y = (value: number): number => plot.top + plotHeight * (1 - value);
    const group = plotWidth / Math.max(1, report.modes.length);
    const bar = Math.min(60, group / (metrics.length + 1));
    const parts: string[] = [
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
        `<text x="${width / 2}" y="28" text-anchor="middle" font-size="18">${escapeXml(`正答率 / accuracy — run #${report.run.id}, ${report.run.profile}`)}</text>`
    ];
    for (let tick = 0; tick <= 10; tick += 2) {
        const value = tick / 10;
        parts.push(`<line x1="${plot.left}" x2="${width - plot.right}" y1="${y(value)}" y2="${y(value)}" stroke="#dddddd"/>`,
            `<text x="${plot.left - 8}" y="${y(value) + 5}" text-anchor="end" font-size="13">${tick * 10}%</text>`);
    }
    report.modes.forEach((mode, modeIndex) => {
        const start = plot.left + group * modeIndex + (group - bar * metrics.length) / 2;
        metrics.forEach(({pick}, metricIndex) => {
            const value = pick(mode);
            const x = start + bar * metricIndex;
            const centre = x + bar * 0.45;
            parts.push(
                `<rect x="${x}" y="${y(value.value)}" width="${bar * 0.9}" height="${y(0) - y(value.value)}" fill="${colors[metricIndex]}"/>`,
                `<line x1="${centre}" x2="${centre}" y1="${y(value.high)}" y2="${y(value.low)}" stroke="#222222" stroke-width="1.5"/>`,
                `<line x1="${centre - 6}" x2="${centre + 6}" y1="${y(value.high)}" y2="${y(value.high)}" stroke="#222222" stroke-width="1.5"/>`,
                `<line x1="${centre - 6}" x2="${centre + 6}" y1="${y(value.low)}" y2="${y(value.low)}" stroke="#222222" stroke-width="1.5"/>`);
        });
        parts.push(`<text x="${plot.left + group * (modeIndex + 0.5)}" y="${y(0) + 22}" text-anchor="middle" font-size="15">${escapeXml(`${mode.mode} (n=${mode.problems})`)}</text>`);
    });
    metrics.forEach(({label}, metricIndex) => {
        const x = plot.left + 20 + metricIndex * 140;
        parts.push(`<rect x="${x}" y="${height - 30}" width="14" height="14" fill="${colors[metricIndex]}"/>`,
            `<text x="${x + 20}" y="${height - 18}" font-size="14">${escapeXml(label)}</text>`);
    });
    parts.push(`<text x="${width - plot.right}" y="${height - 18}" text-anchor="end" font-size="12" fill="#555555">bars: 95% Wilson interval</text>`);
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Noto Sans CJK JP, sans-serif">${parts.join("")}</svg>`;
}

/** The chart as PNG (sharp rasterises the SVG with fontconfig's fonts). */
export async function accuracyChartPng(report: EvalReport): Promise<Buffer> {
    return await sharp(Buffer.from(accuracyChartSvg(report))).png().toBuffer();
}
