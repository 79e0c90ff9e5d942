import fs from "node:fs";
import {Argument, Command, InvalidArgumentError, Option} from "commander";
import {answersEqual} from "../answers/answersEqual.js";
import {normalizeAnswer} from "../answers/normalizeAnswer.js";
import {settings, type KotaeConfig, type SettingName} from "../config/KotaeConfig.js";
import {loadConfig} from "../config/loadConfig.js";
import {loadDotEnvFile} from "../config/loadDotEnvFile.js";
import {reviewStatuses, type ReviewStatus} from "../domain/Review.js";
import {isKotaeError} from "../errors/ErrorCode.js";
import {DatabaseProblem} from "../app/DatabaseProblem.js";
import {runDoctorChecks} from "../doctor/runDoctorChecks.js";
import {slackManifest} from "../platforms/slack/slackManifest.js";
import {platformNames, requestOrigins, type RequestOrigin} from "../domain/RequestOrigin.js";
import {locales, type Locale} from "../i18n/messages.js";
import {themeNames} from "../render/RenderTheme.js";
import {ExitCode, terminalLocale} from "./cliSupport.js";
import {renderKinds, runRender, type RenderCommandLineOptions} from "./renderCommandLine.js";
import {runSandboxExec} from "./sandboxCommandLine.js";
import {runAuditList, runAuditRecheck, runAuditResolve, runAuditShow, runExport, runForget} from "./auditCommandLine.js";
import {exportFormats, type ExportFormat} from "../export/exportDataset.js";
import {defaultFreshSamples, maxFreshSamples} from "../audit/freshSampleVote.js";
import {runServe} from "./serveCommandLine.js";
import {runSolve} from "./solveCommandLine.js";
import {runEvalCommand, runEvalCompare, runEvalList, runEvalShow, type EvalCommandLineOptions} from "./evalCommandLine.js";
import {maxSamples} from "../engine/Engine.js";
import {isSolveMode, solveModes, type SolveMode} from "../solver/SolveMode.js";

type EngineFlags = {
    config?: string, model?: string, profile?: string, db?: string, gpu?: string,
    threads?: string, contextSize?: string, sequences?: string, maxTokens?: string, samples?: string
};

function withEngineFlags(command: Command): Command {
    return command
        .option("--config <file>", "config file (JSON); default ./kotae.config.json, or KOTAE_CONFIG")
        .option("--model <path-or-uri>", settings.model.help)
        .option("--profile <name>", settings.profile.help)
        .option("--db <file>", settings.db.help)
        .option("--gpu <backend>", settings.gpu.help)
        .option("--threads <n>", settings.threads.help)
        .option("--context-size <n>", settings.contextSize.help)
        .option("--sequences <n>", settings.sequences.help)
        .option("--max-tokens <n>", settings.maxTokens.help);
}

/** Where requests come from, as the help lists them: "discord, slack, web, cli, audit, eval or bench". */
const originList = `${requestOrigins.slice(0, -1).join(", ")} or ${requestOrigins.at(-1)}`;

type FilterFlags = {config?: string, db?: string, since?: Date, until?: Date, platform?: string, profile?: string};

/** Filters shared by `audit list` and `export`. */
function withFilters(command: Command): Command {
    return command
        .option("--config <file>", "config file (JSON); default ./kotae.config.json, or KOTAE_CONFIG")
        .option("--db <file>", settings.db.help)
        .option("--since <date>", "only interactions from this date on (e.g. 2026-11-01)", parseDate)
        .option("--until <date>", "only interactions before this date", parseDate)
        .option("--platform <platform>", `only requests from there: ${originList}`)
        .option("--profile <name>", "only this model profile");
}

/** The configuration for commands that only read the database (their filter flags are not settings). */
function storeConfigFrom(flags: FilterFlags): KotaeConfig {
    return configFrom({...(flags.config != null ? {config: flags.config} : {}), ...(flags.db != null ? {db: flags.db} : {})});
}

function filterFrom(flags: FilterFlags) {
    return {
        ...(flags.since != null ? {since: flags.since} : {}),
        ...(flags.until != null ? {until: flags.until} : {}),
        ...(flags.platform != null ? {platform: flags.platform} : {}),
        ...(flags.profile != null ? {profile: flags.profile} : {})
    };
}

function parseDate(value: string): Date {
    const date = new Date(value);
    if (Number.isNaN(date.getTime()))
        throw new InvalidArgumentError("expected a date such as 2026-11-01 or 2026-11-01T12:00:00Z");
    return date;
}

function configFrom(flags: EngineFlags & {debug?: boolean}): KotaeConfig {
    const {config, debug: _debug, ...values} = flags; // --debug is read by main, not a setting
    return loadConfig({
        flags: values as Partial<Record<SettingName, unknown>>,
        ...(config != null ? {configFile: config} : {})
    });
}

/** A variadic argument's words as one text, or standard input for a lone `-`. */
function readWords(words: string[]): string {
    return words.length === 1 && words[0] === "-" ? fs.readFileSync(0, "utf8") : words.join(" ");
}

function integerAtLeast(minimum: number, complaint: string, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
    return (value) => {
        const number = Number(value);
        if (!Number.isInteger(number) || number < minimum || number > maximum)
            throw new InvalidArgumentError(complaint);
        return number;
    };
}

/** `--mode cot,tir`: one or more solving modes, each measured separately. */
function parseModes(value: string): SolveMode[] {
    const modes = value.split(",").map((mode) => mode.trim());
    if (modes.length === 0 || !modes.every(isSolveMode) || new Set(modes).size !== modes.length)
        throw new InvalidArgumentError(`expected modes from ${solveModes.join(", ")}, comma-separated, e.g. cot,tir`);
    return modes;
}

export function buildProgram(): Command {
    const program = new Command("kotae")
        .description("Kotae (答え): step-by-step math answers from a local LLM, for study communities")
        .showHelpAfterError()
        // Lets a command with subcommands (eval) keep its options apart from theirs (`eval list --json`).
        .enablePositionalOptions()
        .exitOverride();

    withEngineFlags(program.command("solve")
        .description("solve a problem, streaming the solution and logging it to SQLite")
        .argument("<problem...>", "the problem text, or - to read it from standard input"))
        .addOption(new Option("--mode <mode>", settings.mode.help).choices(solveModes))
        .addOption(new Option("--style <style>", "explanation style").choices(["standard", "sansu"]))
        .option("--samples <k>", settings.samples.help)
        .option("--seed <n>", "sampling seed, for reproducible answers (sample i uses seed + i)",
            integerAtLeast(0, "the seed must be a non-negative integer"))
        .option("--json", "print the result as JSON instead of streaming text", false)
        .option("--no-thinking", "hide the model's <think> section")
        .action(async (words: string[], options: EngineFlags & {mode?: string, style?: string, seed?: number, json: boolean, thinking: boolean}) => {
            const {mode, style, seed, json, thinking, ...engineFlags} = options;
            process.exitCode = await runSolve(readWords(words), configFrom(engineFlags), {
                ...(mode != null ? {mode} : {}),
                ...(style != null ? {style} : {}),
                ...(seed != null ? {seed} : {}),
                json,
                showThinking: thinking
            });
        });

    program.command("answer-equal")
        .description("tell whether two answers are equivalent (exit 0: equal, 1: different)")
        .argument("<expected>")
        .argument("<given>")
        .option("--json", "print the normalised forms as JSON", false)
        .action((expected: string, given: string, {json}: {json: boolean}) => {
            const equal = answersEqual(expected, given);
            const forms = {equal, expected: normalizeAnswer(expected).canonical, given: normalizeAnswer(given).canonical};
            process.stdout.write(json
                ? JSON.stringify(forms) + "\n"
                : `${equal ? "equal" : "different"}  (${forms.expected} ${equal ? "=" : "≠"} ${forms.given})\n`);
            process.exitCode = equal ? ExitCode.Ok : ExitCode.Failed;
        });

    withEngineFlags(program.command("doctor")
        .description("check the compute backend, model, fonts, sandbox and database, with fixes"))
        .option("--json", "print the checks as JSON", false)
        .action(async ({json, ...flags}: EngineFlags & {json: boolean}) => {
            const results = await runDoctorChecks(configFrom(flags));
            if (json)
                process.stdout.write(JSON.stringify(results, null, 2) + "\n");
            else
                for (const result of results) {
                    const mark = {ok: "✔", warn: "!", fail: "✘"}[result.status];
                    process.stdout.write(`${mark} ${result.name}: ${result.detail}\n${result.fix != null ? `    → ${result.fix}\n` : ""}`);
                }
            process.exitCode = results.some((result) => result.status === "fail") ? ExitCode.Failed : ExitCode.Ok;
        });

    program.command("sandbox")
        .description("the Python sandbox that runs model-written code")
        .command("exec")
        .description("run Python as a model's code block runs (fresh session, configured limits); exit 0 ok, 1 error or timeout, 2 no sandbox")
        .argument("<file>", "a Python file, or - to read the code from standard input")
        .option("--config <file>", "config file (JSON); default ./kotae.config.json, or KOTAE_CONFIG")
        .option("--json", "print the execution result as JSON", false)
        .action(async (file: string, {json, ...flags}: {config?: string, json: boolean}) => {
            let code: string;
            try {
                code = fs.readFileSync(file === "-" ? 0 : file, "utf8");
            } catch (error) {
                process.stderr.write(`kotae: cannot read ${file}: ${(error as Error).message}\n`);
                process.exitCode = ExitCode.Usage;
                return;
            }
            process.exitCode = await runSandboxExec(code, configFrom(flags), {json});
        });

    program.command("render")
        .description("draw an answer card or a solution's pages as PNG, as the chat adapters send them; exit 0 ok, 1 no image (the text is printed), 2 usage")
        .argument("<text...>", "the answer's TeX (--kind answer) or the solution text with $…$ math, or - to read it from standard input")
        .requiredOption("-o, --output <file>", "the PNG file; a solution's further pages go beside it as name-2.png, name-3.png, …")
        .addOption(new Option("--kind <kind>", "an answer card or a solution's pages").choices(renderKinds).default("solution"))
        .addOption(new Option("--theme <theme>", "colours for a light or dark chat background").choices(themeNames).default("light"))
        .addOption(new Option("--locale <locale>", "language of the labels drawn in the image (default: from LANG)").choices(locales))
        .option("--timeout <ms>", "give up on the image after this long", integerAtLeast(1, "the timeout must be a positive number of milliseconds"))
        .option("--json", "print the files written, fallbacks and timing as JSON", false)
        .action(async (words: string[], options: Omit<RenderCommandLineOptions, "locale" | "timeoutMs"> & {locale?: Locale, timeout?: number}) => {
            const {locale, timeout, ...rest} = options;
            process.exitCode = await runRender(readWords(words), {
                ...rest, locale: locale ?? terminalLocale(), ...(timeout != null ? {timeoutMs: timeout} : {})
            });
        });

    withEngineFlags(program.command("serve")
        .description(`run Kotae: the engine and each configured platform (${platformNames.join(", ")}), until stopped`))
        .action(async (flags: EngineFlags & {debug?: boolean}) => {
            // --debug here as well as in main: a failure logged while serving carries its stack too.
            process.exitCode = await runServe(configFrom(flags), flags.debug === true ? {debug: true} : {});
        });

    const audit = program.command("audit").description("review reported answers: list the queue, show one, record a verdict");
    withFilters(audit.command("list").description("the review queue, newest report first"))
        .addOption(new Option("--status <status>", "new, or a review status").choices(["new", ...reviewStatuses]))
        .option("--limit <n>", "how many to list", integerAtLeast(1, "the limit must be a positive number"), 50)
        .option("--json", "print as JSON", false)
        .action((flags: FilterFlags & {status?: string, limit: number, json: boolean}) => {
            process.exitCode = runAuditList(storeConfigFrom(flags), {...filterFrom(flags), ...(flags.status != null ? {status: flags.status as "new"} : {})}, {json: flags.json, limit: flags.limit});
        });
    audit.command("show").description("a reported interaction with its solutions, code runs, reports and review trail")
        .argument("<id>", "interaction id", integerAtLeast(1, "the id must be a positive number"))
        .option("--config <file>", "config file (JSON)")
        .option("--json", "print as JSON", false)
        .action((id: number, flags: {config?: string, json: boolean}) => {
            process.exitCode = runAuditShow(storeConfigFrom(flags), id, {json: flags.json});
        });
    withEngineFlags(audit.command("recheck")
        .description("solve a reported problem again as k fresh samples with its profile and mode, and show what they vote")
        .argument("<id>", "interaction id", integerAtLeast(1, "the id must be a positive number")))
        .option("--samples <k>", `fresh samples to draw, 1 to ${maxFreshSamples}`, integerAtLeast(1, `samples must be 1 to ${maxFreshSamples}`, maxFreshSamples), defaultFreshSamples)
        .option("--reviewer <name>", "who asked (recorded with the vote)", process.env["USER"] ?? "operator")
        .option("--json", "print the vote as JSON", false)
        .action(async (id: number, flags: EngineFlags & {samples: number, reviewer: string, json: boolean}) => {
            const {samples, reviewer, json, ...engineFlags} = flags;
            process.exitCode = await runAuditRecheck(configFrom(engineFlags), id, {samples, reviewer, json});
        });
    audit.command("resolve").description("append a review: the verdict, the canonical answer, a corrected solution, a note")
        .argument("<id>", "interaction id", integerAtLeast(1, "the id must be a positive number"))
        .addOption(new Option("--status <status>", "the verdict").choices(reviewStatuses).makeOptionMandatory())
        .option("--reviewer <name>", "who reviews (recorded in the trail)", process.env["USER"] ?? "operator")
        .option("--answer <answer>", "the canonical (correct) answer")
        .option("--solution-file <file>", "a corrected solution (text with LaTeX), or - for standard input")
        .option("--note <text>", "a reviewer note")
        .option("--config <file>", "config file (JSON)")
        .action((id: number, flags: {status: ReviewStatus, reviewer: string, answer?: string, solutionFile?: string, note?: string, config?: string}) => {
            const {config, ...review} = flags;
            process.exitCode = runAuditResolve(storeConfigFrom({...(config != null ? {config} : {})}), id, review);
        });

    const evaluation = withEngineFlags(program.command("eval")
        .description("measure a model's accuracy on a dataset (pass@1, maj@k, pass@k with 95% intervals) through the bot's engine; exit 0 finished, 1 failed, 2 invalid settings, 130 interrupted (continue with --resume)"))
        .option("--dataset <name-or-file>", "mgsm-ja (default), mgsm-en, audit (reviewed reports with a canonical answer), or a .jsonl/.json/.tsv file of questions and answers")
        .option("--mode <modes>", "solving modes to measure side by side, comma-separated (e.g. cot,tir); default: the configured mode", parseModes)
        .option("--samples <k>", `samples per problem, voted on (1 to ${maxSamples}); default: the configured samples`, integerAtLeast(1, `samples must be 1 to ${maxSamples}`, maxSamples))
        .option("--limit <n>", "only the dataset's first n problems", integerAtLeast(1, "the limit must be a positive number"))
        .option("--seed <n>", "sampling seed: problem i's sample j uses seed + i·k + j (default 0)", integerAtLeast(0, "the seed must be a non-negative integer"))
        .addOption(new Option("--review-status <status>", "with --dataset audit: only reports whose newest review has this status").choices(reviewStatuses))
        .option("--resume <run-id>", "continue an interrupted or killed run with its own settings, without solving its finished problems again", integerAtLeast(1, "the run id must be a positive number"))
        .option("--report <dir>", "also write report.md and accuracy.png (accuracy per mode with interval bars) to this folder")
        .option("--json", "print the report as JSON", false)
        // `eval list --json` is list's flag, not eval's: eval's own options are only read before a subcommand.
        .enablePositionalOptions()
        .action(async (flags: EngineFlags & {dataset?: string, mode?: SolveMode[], limit?: number, seed?: number, reviewStatus?: ReviewStatus, resume?: number, report?: string, json: boolean}) => {
            const {dataset, mode, samples, limit, seed, reviewStatus, resume, report, json, ...engineFlags} = flags;
            const options: EvalCommandLineOptions = {
                json,
                ...(dataset != null ? {dataset} : {}), ...(mode != null ? {modes: mode} : {}),
                ...(samples != null ? {samples: Number(samples)} : {}), ...(limit != null ? {limit} : {}),
                ...(seed != null ? {seed} : {}), ...(reviewStatus != null ? {reviewStatus} : {}),
                ...(resume != null ? {resume} : {}), ...(report != null ? {reportDir: report} : {}),
                ...(engineFlags.profile != null ? {profile: engineFlags.profile} : {})
            };
            process.exitCode = await runEvalCommand(configFrom(engineFlags), options);
        });
    evaluation.command("list").description("the newest eval runs with their accuracy")
        .option("--config <file>", "config file (JSON)")
        .option("--db <file>", settings.db.help)
        .option("--limit <n>", "how many to list", integerAtLeast(1, "the limit must be a positive number"), 20)
        .option("--json", "print as JSON", false)
        .action((flags: FilterFlags & {limit: number, json: boolean}) => {
            process.exitCode = runEvalList(storeConfigFrom(flags), {json: flags.json, limit: flags.limit});
        });
    evaluation.command("show").description("an eval run's report again, from the database")
        .argument("<run-id>", "eval run id", integerAtLeast(1, "the id must be a positive number"))
        .option("--config <file>", "config file (JSON)")
        .option("--db <file>", settings.db.help)
        .option("--report <dir>", "also write report.md and accuracy.png to this folder")
        .option("--json", "print as JSON", false)
        .action(async (id: number, flags: FilterFlags & {report?: string, json: boolean}) => {
            process.exitCode = await runEvalShow(storeConfigFrom(flags), id, {json: flags.json, ...(flags.report != null ? {reportDir: flags.report} : {})});
        });
    evaluation.command("compare").description("the problems two runs of the same dataset graded differently (fixed and broken), with questions and answers")
        .argument("<run-a>", "the earlier (baseline) run", integerAtLeast(1, "the id must be a positive number"))
        .argument("<run-b>", "the run compared with it", integerAtLeast(1, "the id must be a positive number"))
        .option("--config <file>", "config file (JSON)")
        .option("--db <file>", settings.db.help)
        .option("--json", "print as JSON", false)
        .action((a: number, b: number, flags: FilterFlags & {json: boolean}) => {
            process.exitCode = runEvalCompare(storeConfigFrom(flags), a, b, {json: flags.json});
        });

    withFilters(program.command("export")
        .description("write reviewed interactions as JSONL training data (pseudonymous ids only)"))
        .addOption(new Option("--format <format>", "cot: SFT pairs, tir: SFT with code runs, preference: chosen/rejected").choices(exportFormats).makeOptionMandatory())
        .addOption(new Option("--status <status>", "only interactions whose newest review has this status").choices(reviewStatuses))
        .option("-o, --output <file>", "the JSONL file (default: standard output)")
        .action((flags: FilterFlags & {format: ExportFormat, status?: ReviewStatus, output?: string}) => {
            process.exitCode = runExport(storeConfigFrom(flags), flags.format, {...filterFrom(flags), ...(flags.status != null ? {status: flags.status} : {})}, flags.output);
        });

    program.command("forget")
        .description("delete a user's interactions, reports and thread messages, and leave them out of exports (what /kotae forget-me does)")
        .addArgument(new Argument("<platform>", "where the user asked").choices(requestOrigins))
        .argument("<user-id>", "the platform's user id")
        .option("--config <file>", "config file (JSON)")
        .action((platform: RequestOrigin, userId: string, flags: {config?: string}) => {
            process.exitCode = runForget(storeConfigFrom(flags), platform, userId);
        });

    program.command("slack-manifest")
        .description("print the Slack app manifest (commands, scopes, events) to create the app in one step")
        .option("--url <url>", "where Slack sends requests (HTTP mode)", "https://kotae.example.org/slack/events")
        .action((flags: {url: string}) => {
            process.stdout.write(JSON.stringify(slackManifest(flags.url), null, 2) + "\n");
        });

    program.command("deploy-commands")
        .description("register /solve, /ask and /kotae with Discord: to KOTAE_DISCORD_GUILD_ID when set (instant), else globally")
        .option("--config <file>", "config file (JSON); default ./kotae.config.json, or KOTAE_CONFIG")
        .action(async (flags: {config?: string}) => {
            // Imported here: discord.js is a second's load that no other command needs.
            const {deployCommands} = await import("../platforms/discord/DiscordAdapter.js");
            const {scope, names} = await deployCommands(configFrom(flags));
            process.stdout.write(`Registered ${names.map((name) => `/${name}`).join(", ")} for ${scope}.\n`);
        });

    withDebugFlag(program);
    return program;
}

/** Every command takes --debug, where an operator would type it (`kotae serve --debug`). */
function withDebugFlag(command: Command): void {
    for (const subcommand of command.commands) {
        if (subcommand.commands.length === 0 || subcommand.name() === "eval")
            subcommand.option("--debug", "on an unexpected error, print its stack trace (also KOTAE_DEBUG=1)");
        withDebugFlag(subcommand);
    }
}

/**
 * Runs the command line. Every failure ends as one line on stderr and a non-zero exit (2 for invalid
 * settings): a stack trace tells an operator nothing they can fix, so it is printed only with --debug
 * or KOTAE_DEBUG=1.
 */
export async function main(argv: readonly string[]): Promise<void> {
    try {
        // First: .env may set KOTAE_DEBUG, and commander's defaults read the environment.
        loadDotEnvFile();
        await buildProgram().parseAsync([...argv], {from: "user"});
    } catch (error) {
        if (isCommanderExit(error)) {
            process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
            return;
        }
        const debug = wantsDebug(argv);
        if (isKotaeError(error)) {
            process.stderr.write(`kotae: ${error.message}\n`);
            process.exitCode = error.code === "config_invalid" ? ExitCode.Usage : ExitCode.Failed;
        } else if (error instanceof DatabaseProblem) {
            process.stderr.write(`kotae: ${error.message}\n`);
            process.exitCode = error.isSetting ? ExitCode.Usage : ExitCode.Failed;
        } else {
            const message = error instanceof Error ? error.message : String(error);
            process.stderr.write(`kotae: unexpected error: ${message.split("\n")[0]}${debug ? "" : " (run again with --debug to see where)"}\n`);
            process.exitCode = ExitCode.Failed;
        }
        if (debug && error instanceof Error)
            process.stderr.write(`${error.stack ?? ""}\n`);
    }
}

/** --debug anywhere before a `--` (where commander reads options too), or KOTAE_DEBUG=1. */
function wantsDebug(argv: readonly string[]): boolean {
    const end = argv.indexOf("--");
    return process.env["KOTAE_DEBUG"] === "1" || (end < 0 ? argv : argv.slice(0, end)).includes("--debug");
}

function isCommanderExit(error: unknown): error is {exitCode: number} {
    return typeof error === "object" && error != null && "code" in error && String(error.code).startsWith("commander.");
}
