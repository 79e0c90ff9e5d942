// The mutations `npm run test:mutate` (scripts/mutate.mjs) applies, one at a time. Each is a small change
// that breaks one promised behaviour; the named tests must fail with it. tests/unit/mutationList.test.ts
// keeps every search text present exactly once as the code changes. Types: mutations.d.mts.

/** @type {import("./mutations.d.mts").Mutation[]} */
export const mutations = [
    {
        name: "engine-no-cancel-on-leave",
        breaks: "a solve keeps running after its consumer stops listening",
        file: "src/engine/Engine.ts",
        search: "const channel = new EventChannel<Event | FailedEvent>(() => cancel.abort(), observe);",
        replace: "const channel = new EventChannel<Event | FailedEvent>(() => {}, observe);",
        project: "standalone",
        tests: ["tests/unit/Engine.test.ts"]
    },
    {
        name: "engine-silent-on-storage-failure",
        breaks: "a request the database cannot record is answered with a kind message, not dropped",
        file: "src/engine/Engine.ts",
        search: "            channel.push(failedEvent(new KotaeError(ErrorCode.StorageFailed, detail)));\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/Engine.test.ts"]
    },
    {
        name: "engine-close-keeps-running",
        breaks: "close() cancels queued and running work",
        file: "src/engine/Engine.ts",
        search: "        this.queue.close();\n        this.shutdown.abort();",
        replace: "        this.queue.close();",
        project: "standalone",
        tests: ["tests/unit/Engine.test.ts"]
    },
    {
        name: "throttle-ignores-interval",
        breaks: "progress edits at most once per interval",
        file: "src/platforms/shared/ProgressThrottle.ts",
        search: "const wait = Math.max(0, this.lastAt + this.intervalMs - performance.now());",
        replace: "const wait = 0;",
        project: "standalone",
        tests: ["tests/unit/platformsShared.test.ts"]
    },
    {
        name: "throttle-concurrent-updates",
        breaks: "one progress edit in flight at a time",
        file: "src/platforms/shared/ProgressThrottle.ts",
        search: "this.inFlight = this.inFlight.then(async () => {",
        replace: "this.inFlight = Promise.resolve().then(async () => {",
        project: "standalone",
        tests: ["tests/unit/platformsShared.test.ts"]
    },
    {
        name: "throttle-shows-repeats",
        breaks: "an unchanged progress state is not edited again",
        file: "src/platforms/shared/ProgressThrottle.ts",
        search: "(this.shown !== undefined && this.same(this.shown, state))",
        replace: "false",
        project: "standalone",
        tests: ["tests/unit/platformsShared.test.ts"]
    },
    {
        name: "vote-count-off-by-one",
        breaks: "the winner's vote count",
        file: "src/answers/voteAnswers.ts",
        search: "votes: best.samples.length,",
        replace: "votes: best.samples.length - 1,",
        project: "standalone",
        tests: ["tests/unit/voteAnswers.test.ts"]
    },
    {
        name: "config-numbers-coerced",
        breaks: "numeric settings are decimal numerals only (0x10, \" \" and 1e1 are refused)",
        file: "src/config/strictNumber.ts",
        search: "text != null && numeral.test(text) ? Number(text) : Number.NaN",
        replace: "text != null ? Number(text) : Number.NaN",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "config-threads-unbounded",
        breaks: "threads are at most twice the cores",
        file: "src/config/KotaeConfig.ts",
        search: "export const maxThreads = os.availableParallelism() * 2;",
        replace: "export const maxThreads = os.availableParallelism() * 1000;",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "config-first-problem-only",
        breaks: "every configuration problem is reported at once",
        file: "src/config/loadConfig.ts",
        search: "        throw invalid(problems);\n    return {...values, ...sections} as KotaeConfig;",
        replace: "        throw invalid(problems.slice(0, 1));\n    return {...values, ...sections} as KotaeConfig;",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "store-database-world-readable",
        breaks: "a database Kotae creates is mode 600 (its -wal and -shm too)",
        file: "storage/KotaeDatabase.ts",
        search: "fs.closeSync(fs.openSync(file, \"wx\", 0o600));",
        replace: "fs.closeSync(fs.openSync(file, \"wx\", 0o644));",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "store-folder-world-readable",
        breaks: "the database folder Kotae creates is mode 700",
        file: "storage/Pseudonymizer.ts",
        search: "fs.mkdirSync(path.dirname(keyFile), {recursive: true, mode: 0o700});",
        replace: "fs.mkdirSync(path.dirname(keyFile), {recursive: true});",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "store-touches-newer-database",
        breaks: "a database from a newer Kotae is refused before anything writes to it",
        file: "storage/KotaeDatabase.ts",
        search: "            assertSchemaKnown(this.connection);\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "db-path-allows-proc",
        breaks: "KOTAE_DB under /proc, /sys or /dev is refused in one line",
        file: "src/app/checkDatabasePath.ts",
        search: "const systemRoots = [\"/proc\", \"/sys\", \"/dev\"];",
        replace: "const systemRoots: string[] = [];",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "cli-prints-stack-traces",
        breaks: "a failing command prints one line, the stack trace only with --debug",
        file: "src/cli/main.ts",
        search: "if (debug && error instanceof Error)",
        replace: "if (error instanceof Error)",
        project: "model",
        tests: ["tests/cli/edgeErrorsCli.test.ts"],
        build: true
    },
    {
        name: "cli-bad-database-path-exit-1",
        breaks: "a database path that can never work is an invalid setting (exit 2)",
        file: "src/cli/main.ts",
        search: "process.exitCode = error.isSetting ? ExitCode.Usage : ExitCode.Failed;",
        replace: "process.exitCode = ExitCode.Failed;",
        project: "model",
        tests: ["tests/cli/edgeErrorsCli.test.ts"],
        build: true
    },
    {
        name: "doctor-ignores-loose-modes",
        breaks: "kotae doctor warns about a database, folder or key other users can open",
        file: "src/doctor/runDoctorChecks.ts",
        search: "if (mode == null || (mode & 0o077) === 0)",
        replace: "if (mode == null || (mode & 0o000) === 0)",
        project: "model",
        tests: ["tests/cli/edgeErrorsCli.test.ts"],
        build: true
    },
    {
        name: "vote-tie-latest-sample",
        breaks: "a full tie goes to the earliest sample's answer",
        file: "src/answers/voteAnswers.ts",
        search: "|| (a.samples[0] ?? 0) - (b.samples[0] ?? 0))",
        replace: "|| (b.samples[0] ?? 0) - (a.samples[0] ?? 0))",
        project: "standalone",
        tests: ["tests/unit/voteAnswers.test.ts"]
    },
    {
        name: "vote-boxed-before-majority",
        breaks: "more votes win; \\boxed{} only breaks a tie",
        file: "src/answers/voteAnswers.ts",
        search: "b.samples.length - a.samples.length || b.boxed - a.boxed",
        replace: "b.boxed - a.boxed || b.samples.length - a.samples.length",
        project: "standalone",
        tests: ["tests/unit/voteAnswers.test.ts"]
    },
    {
        name: "repetition-trips-too-early",
        breaks: "the repetition guard lets a normal solution finish",
        file: "src/solver/RepetitionDetector.ts",
        search: "minRepeatedChars: 240,",
        replace: "minRepeatedChars: 24,",
        project: "standalone",
        tests: ["tests/unit/solverParts.test.ts"]
    },
    {
        name: "store-crash-leaves-running",
        breaks: "a request running at a crash is marked unfinished",
        file: "storage/InteractionRepository.ts",
        search: "WHERE status IN ('queued', 'running') AND ${ownedBy}`",
        replace: "WHERE status IN ('queued') AND ${ownedBy}`",
        project: "standalone",
        tests: ["tests/unit/InteractionRepository.test.ts"]
    },
    {
        name: "sansu-prompt-drift",
        breaks: "the sansu system prompt is the card's, byte for byte",
        file: "src/profiles/builtinProfiles.ts",
        search: "const sansuInstruction = `${sansuSystem}最終的な答えを \\\\boxed{...} で示してください。`;",
        replace: "const sansuInstruction = `${sansuSystem} 最終的な答えを \\\\boxed{...} で示してください。`;",
        project: "standalone",
        tests: ["tests/unit/modelCards.test.ts", "tests/unit/Engine.test.ts"]
    },
    {
        name: "follow-up-layout-drift",
        breaks: "a follow-up continues the acro card's turn layout",
        file: "src/profiles/builtinProfiles.ts",
        search: "followUpTemplate: \"\\n### 指示:\\n{problem}\\n### 応答:\\n\"",
        replace: "followUpTemplate: \"\\n\\n### 指示:\\n{problem}\\n### 応答:\\n\"",
        project: "standalone",
        tests: ["tests/unit/followUps.test.ts"]
    },
    {
        name: "tir-failure-count-not-reset",
        breaks: "a successful execution resets the failures-in-a-row count",
        file: "src/solver/TirSolver.ts",
        search: "failuresInARow = execution.status === \"ok\" ? 0 : failuresInARow + 1;",
        replace: "failuresInARow = execution.status === \"ok\" ? failuresInARow : failuresInARow + 1;",
        project: "sandbox",
        tests: ["tests/tir/tirTranscripts.test.ts"]
    },
    {
        name: "tir-fallback-one-late",
        breaks: "TIR falls back to text after exactly N failures in a row",
        file: "src/solver/TirSolver.ts",
        search: "failuresInARow >= limits.giveUpAfterFailures",
        replace: "failuresInARow > limits.giveUpAfterFailures",
        project: "sandbox",
        tests: ["tests/tir/tirTranscripts.test.ts"]
    },
    {
        name: "tir-cancel-does-not-stop-block",
        breaks: "cancelling stops the running Python block",
        file: "src/solver/TirSolver.ts",
        search: "ran = await request.session.execute(code, {signal});",
        replace: "ran = await request.session.execute(code, {});",
        project: "sandbox",
        tests: ["tests/tir/tirTranscripts.test.ts"]
    },
    {
        name: "tir-executions-all-sample-0",
        breaks: "each TIR sample's executions are logged under that sample",
        file: "src/engine/SolveLifecycle.ts",
        search: "store.interactions.addExecution({interactionId: this.interactionId, sampleIndex: sample, executionIndex: execution.index, ...execution});",
        replace: "store.interactions.addExecution({interactionId: this.interactionId, sampleIndex: 0, executionIndex: execution.index, ...execution});",
        project: "sandbox",
        tests: ["tests/tir/tirTranscripts.test.ts"]
    },
    {
        name: "llama-first-free-sequence",
        breaks: "a continuation goes to the sequence holding its prefix",
        file: "src/llm/LlamaCppBackend.ts",
        search: "if (shared > bestShared) {",
        replace: "if (best < 0) {",
        project: "model",
        tests: ["tests/model/LlamaCppBackend.test.ts"]
    },
    {
        name: "llama-drops-kv-cache",
        breaks: "a sequence keeps its evaluated prefix for the next turn",
        file: "src/llm/LlamaCppBackend.ts",
        search: "            this.freeSequences.push(sequence);",
        replace: "            await sequence.clearHistory();\n            this.freeSequences.push(sequence);",
        project: "model",
        tests: ["tests/model/LlamaCppBackend.test.ts", "tests/model/tirWithRealBackend.test.ts"]
    },
    {
        name: "vote-tie-prefers-phrases",
        breaks: "a tie goes to the answer with more \\boxed{} ballots",
        file: "src/answers/voteAnswers.ts",
        search: "|| b.boxed - a.boxed ||",
        replace: "|| a.boxed - b.boxed ||",
        project: "standalone",
        tests: ["tests/unit/voteAnswers.test.ts"]
    },
    {
        name: "answer-card-without-box",
        breaks: "the answer card draws the answer in a box",
        file: "src/render/AnswerCard.ts",
        search: "    return `\\\\boxed{${body}}`;",
        replace: "    return body;",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "dark-theme-math-in-light-colour",
        breaks: "math is readable on a dark card",
        file: "src/render/RenderTheme.ts",
        search: "math: \"#f2f3f5\"",
        replace: "math: \"#111418\"",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "fallback-source-in-text-colour",
        breaks: "TeX that cannot be typeset is shown as source in the fallback colour",
        file: "src/render/RenderTheme.ts",
        search: "fallback: \"#8a4b00\"",
        replace: "fallback: \"#1f2328\"",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "code-outputs-dropped",
        breaks: "a TIR solution page shows the code's output",
        file: "src/render/SolutionDocument.ts",
        search: ".filter((part) => part.kind !== \"code\");",
        replace: ".filter((part) => part.kind === \"prose\");",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "no-page-number-on-two-pages",
        breaks: "pages of a long solution are numbered",
        file: "src/render/PageLayout.ts",
        search: "const multiple = kept.length > 1;",
        replace: "const multiple = kept.length > 2;",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "inline-plus-drawn-as-minus",
        breaks: "a + in a formula of the solution image",
        file: "src/render/SolutionDocument.ts",
        search: "inlines.push({kind: \"math\", tex: (math[1] ?? \"\").trim()});",
        replace: "inlines.push({kind: \"math\", tex: (math[1] ?? \"\").trim().replace(\"+\", \"-\")});",
        project: "render",
        tests: ["tests/render/goldenImages.test.ts"],
        build: true
    },
    {
        name: "merror-instead-of-source",
        breaks: "hostile or broken TeX is refused and shown as source, not MathJax's error box",
        file: "src/render/MathTypesetter.ts",
        search: "            packages,\n            formatError: (_jax: unknown, error: {id?: string, message: string}) => {\n                throw new MathError(error.id ?? \"TexError\", error.message);\n            }",
        replace: "            packages",
        project: "render",
        tests: ["tests/render/rendererSafety.test.ts"],
        build: true
    },
    {
        name: "discord-model-text-pings",
        breaks: "model text (@everyone, <@&role>, <@user>) pings nobody",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        allowedMentions: {parse: [], repliedUser: false},\n",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-fallback-pings-nobody",
        breaks: "an answer posted as a channel message pings its asker",
        file: "src/platforms/discord/solveFlow.ts",
        search: "allowedMentions: {users: [interaction.user.id]}",
        replace: "allowedMentions: {users: []}",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-solution-pages-public",
        breaks: "solution pages are shown only to the presser (ephemeral)",
        file: "src/platforms/discord/solveFeature.ts",
        search: "await interaction.deferReply(privately());",
        replace: "await interaction.deferReply();",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-refusal-public",
        breaks: "a refused /solve is answered privately",
        file: "src/platforms/discord/solveFlow.ts",
        search: "await interaction.reply({content: refusal, ...privately()}).catch(() => {});",
        replace: "await interaction.reply({content: refusal}).catch(() => {});",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-progress-unthrottled",
        breaks: "progress edits stay under Discord's rate limit",
        file: "src/platforms/discord/solveFlow.ts",
        search: "        intervalMs: 1000,",
        replace: "        intervalMs: 0,",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-late-acknowledgement",
        breaks: "/solve is acknowledged within Discord's 3 seconds",
        file: "src/platforms/discord/solveFlow.ts",
        search: "            await interaction.deferReply(privately(answersPrivately(place))); // Discord's own",
        replace: "            await new Promise((resolve) => setTimeout(resolve, 3500)); await interaction.deferReply(privately(answersPrivately(place))); // Discord's own",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-ask-drops-later-parts",
        breaks: "a follow-up answer over 2000 characters arrives whole",
        file: "src/platforms/discord/followUpFeature.ts",
        search: "    for (const part of rest)\n        await interaction.followUp(part);",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-follow-up-without-mention",
        breaks: "a server that wants mentions gets no unmentioned follow-ups answered",
        file: "src/platforms/discord/followUpFeature.ts",
        search: "    if (!direct && settingsFor(context, placeOf(message)).followUpsNeedMention && !mentioned)\n        return;",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-rate-limit-rejected",
        breaks: "a 429 is waited out and retried, not lost",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        rest: {",
        replace: "        rest: {rejectOnRateLimit: () => true,",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-cancel-by-anyone",
        breaks: "only the asker can cancel a solve",
        file: "src/engine/RunningSolves.ts",
        search: "solve.asker.userId !== requester.userId",
        replace: "solve.asker.userId === \"nobody\"",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-shutdown-drops-replies",
        breaks: "on SIGTERM, replies on their way are delivered before disconnecting",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        await this.context.answering.settle();\n        await this.context.client.destroy();",
        replace: "        await this.context.client.destroy();",
        project: "discord",
        tests: ["tests/discord/serveWithDiscord.test.ts"],
        build: true
    },
    {
        name: "discord-shutdown-says-cancelled",
        breaks: "on SIGTERM, students are told Kotae is restarting (shutting_down), never that they cancelled",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        await this.context.runtime.engine.close();\n        await this.context.answering.settle();",
        replace: "        for (const running of this.context.running.values()) running.cancel.abort();\n        await this.context.answering.settle();",
        project: "discord",
        tests: ["tests/discord/serveWithDiscord.test.ts"],
        build: true
    },
    {
        name: "discord-engine-refusal-public",
        breaks: "a problem the engine refuses (too long, blank, still solving) is answered privately, nothing public",
        file: "src/platforms/shared/watchSolve.ts",
        search: "        if (refused) refusal = localize(event.code, locale, event.params);",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "slack-refusal-public",
        breaks: "a problem the engine refuses is told to the asker ephemerally, nothing posted in the channel",
        file: "src/platforms/slack/solveFeature.ts",
        search: "    if (refusal != null) {\n        await reply.refuse(refusal);\n        return;\n    }",
        replace: "    if (refusal != null) {\n        await client.chat.postMessage({channel, text: refusal});\n        return;\n    }",
        project: "slack",
        tests: ["tests/slack/slackRefusals.test.ts"]
    },
    {
        name: "slack-shutdown-says-cancelled",
        breaks: "on shutdown, students are told Kotae is restarting (shutting_down), never that they cancelled",
        file: "src/platforms/slack/SlackAdapter.ts",
        search: "            await this.context.runtime.engine.close();",
        replace: "            for (const running of this.context.running.values()) running.cancel.abort();",
        project: "slack",
        tests: ["tests/slack/slackShutdown.test.ts"]
    },
    {
        name: "discord-unknown-command-unanswered",
        breaks: "a command left registered after a rename gets a kind private reply, not \"did not respond\"",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        registerUnknown(context);\n",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "slack-unknown-action-not-acked",
        breaks: "a click on a button Kotae does not know is acknowledged within 3 s and answered kindly",
        file: "src/platforms/slack/unknownFeature.ts",
        search: "        if (action.action_id.startsWith(actionIdPrefix))\n            return;\n        await ack();",
        replace: "        if (action.action_id.startsWith(actionIdPrefix))\n            return;",
        project: "slack",
        tests: ["tests/slack/slackUnknownInteractions.test.ts"]
    },
    {
        name: "slack-progress-budget-ignored",
        breaks: "20 students' status edits share the workspace's chat.update budget (Tier 3), answers still all delivered",
        file: "src/platforms/slack/solveFeature.ts",
        search: "        budget: progressBudget(context, requester.workspaceId),\n",
        replace: "",
        project: "slack",
        tests: ["tests/slack/slackProgressBudget.test.ts"]
    },
    {
        name: "throttle-budget-ignored",
        breaks: "throttled status lines wait for a token of the shared budget (coalescing), never exceeding it",
        file: "src/platforms/shared/ProgressThrottle.ts",
        search: "            if (this.budget != null && !this.budget.take()) {",
        replace: "            if (this.budget == null) {",
        project: "standalone",
        tests: ["tests/unit/progressBudget.test.ts"]
    },
    {
        name: "slack-stray-mention-ignored",
        breaks: "an @mention outside an answer's thread gets a private hint on how to use /solve",
        file: "src/platforms/slack/followUpFeature.ts",
        search: "        hinted.add(key);\n",
        replace: "        hinted.add(key);\n        return;\n",
        project: "slack",
        tests: ["tests/slack/slackStrayMentions.test.ts"]
    },
    {
        name: "slack-stray-mention-hinted-twice",
        breaks: "a redelivered stray @mention is hinted once",
        file: "src/platforms/slack/followUpFeature.ts",
        search: "mention.bot_id != null || hinted.has(key))",
        replace: "mention.bot_id != null)",
        project: "slack",
        tests: ["tests/slack/slackStrayMentions.test.ts"]
    },
    {
        name: "discord-stray-mention-ignored",
        breaks: "an @mention outside an answer's thread gets a short hint on how to use /solve",
        file: "src/platforms/discord/followUpFeature.ts",
        search: "        if (mentioned || direct)\n            await message.reply(",
        replace: "        if ((mentioned || direct) && false)\n            await message.reply(",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "slack-model-text-unescaped",
        breaks: "model text (<!channel>, <@U…>, a < b & c) is shown, never interpreted",
        file: "src/platforms/slack/slackBlocks.ts",
        search: "text.replaceAll(\"&\", \"&amp;\").replaceAll(\"<\", \"&lt;\").replaceAll(\">\", \"&gt;\").replace(",
        replace: "text.replace(",
        project: "slack",
        tests: ["tests/slack/slackMrkdwn.test.ts"]
    },
    {
        name: "slack-follow-up-question-escaped",
        breaks: "the model gets a student's a < b, not Slack's a &lt; b",
        file: "src/platforms/slack/followUpFeature.ts",
        search: "question: fromMrkdwn(text.replaceAll(mention, \"\")).trim(),",
        replace: "question: text.replaceAll(mention, \"\").trim(),",
        project: "slack",
        tests: ["tests/slack/slackMrkdwn.test.ts"]
    },
    {
        name: "slack-retried-events-dropped",
        breaks: "a retried event whose first delivery failed is still answered",
        file: "src/platforms/slack/followUpFeature.ts",
        search: "    context.app.event(\"message\", async ({event, body, client}) => {",
        replace: "    context.app.event(\"message\", async ({event, body, client, context: bolt}) => {\n        if ((bolt.retryNum ?? 0) > 0) return;",
        project: "slack",
        tests: ["tests/slack/slackDeliveries.test.ts"]
    },
    {
        name: "slack-retries-answered-twice",
        breaks: "a retried or doubly delivered (message + app_mention) event is answered once",
        file: "src/platforms/slack/followUpFeature.ts",
        search: "        if (answered.has(key))\n            return;\n",
        replace: "",
        project: "slack",
        tests: ["tests/slack/slackDeliveries.test.ts", "tests/slack/slackAdapter.test.ts"]
    },
    {
        name: "slack-kotae-command-not-acked",
        breaks: "/kotae is acknowledged within Slack's 3 seconds",
        file: "src/platforms/slack/settingsFeature.ts",
        search: "        await ack();\n        const asker = await askerOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});",
        replace: "        const asker = await askerOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});",
        project: "slack",
        tests: ["tests/slack/slackDeliveries.test.ts"]
    },
    {
        name: "slack-progress-unthrottled",
        breaks: "progress updates stay under Slack's rate limit",
        file: "src/platforms/slack/solveFeature.ts",
        search: "const progressIntervalMs = 1200;",
        replace: "const progressIntervalMs = 0;",
        project: "slack",
        tests: ["tests/slack/slackRateLimits.test.ts"]
    },
    {
        name: "slack-no-web-api-retries",
        breaks: "a 429 on the final answer is waited out and retried",
        file: "src/platforms/slack/SlackAdapter.ts",
        search: "retryConfig: {retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 2000}",
        replace: "retryConfig: {retries: 0, factor: 1.5, minTimeout: 200, maxTimeout: 2000}",
        project: "slack",
        tests: ["tests/slack/slackRateLimits.test.ts"]
    },
    {
        name: "slack-long-text-truncated",
        breaks: "a long answer arrives whole",
        file: "src/platforms/slack/slackBlocks.ts",
        search: "return splitMessage(toMrkdwn(text), sectionLimit).map(",
        replace: "return splitMessage(toMrkdwn(text), sectionLimit).slice(0, 45).map(",
        project: "slack",
        tests: ["tests/slack/slackLongAnswers.test.ts"]
    },
    {
        name: "slack-sections-over-limit",
        breaks: "no section is longer than Slack's 3000 characters",
        file: "src/platforms/slack/slackBlocks.ts",
        search: "const sectionLimit = 3000;",
        replace: "const sectionLimit = 5000;",
        project: "slack",
        tests: ["tests/slack/slackLongAnswers.test.ts"]
    },
    {
        name: "slack-answer-text-whole",
        breaks: "a long answer's update stays under Slack's text limit",
        file: "src/platforms/slack/solveFeature.ts",
        search: "    await client.chat.update({channel, ts, text: notificationText(blocks), blocks});\n    const image",
        replace: "    await client.chat.update({channel, ts, text: lines.join(\"\\n\"), blocks});\n    const image",
        project: "slack",
        tests: ["tests/slack/slackLongAnswers.test.ts", "tests/slack/slackMrkdwn.test.ts"]
    },
    {
        name: "web-beyond-loopback-without-token",
        breaks: "serving the web app beyond loopback requires the admin token",
        file: "src/platforms/web/webSettings.ts",
        search: "return ![\"127.0.0.1\", \"::1\", \"localhost\"].includes(section.host) && section.adminToken == null",
        replace: "return false && section.adminToken == null",
        project: "web",
        tests: ["tests/web/webBeyondLoopback.test.ts"]
    },
    {
        name: "web-admin-without-token",
        breaks: "audit pages need the admin token",
        file: "src/platforms/web/AdminAuth.ts",
        search: "if (sameSecret(header.slice(7), this.token)) return true;",
        replace: "if (header.length > 7) return true;",
        project: "web",
        tests: ["tests/web/webBeyondLoopback.test.ts"]
    },
    {
        name: "audit-guard-lets-everyone-in",
        breaks: "a visitor without the token is sent to the login page",
        file: "src/platforms/web/auditRoutes.ts",
        search: "        void reply.redirect(\"/audit/login\", 303);\n        return false;",
        replace: "        return true;",
        project: "web",
        tests: ["tests/web/webBeyondLoopback.test.ts"]
    },
    {
        name: "audit-login-accepts-any-token",
        breaks: "the audit login checks the token",
        file: "src/platforms/web/AdminAuth.ts",
        search: "if (this.token != null && sameSecret(given, this.token)) return {session: this.sessions.open()};",
        replace: "if (this.token != null) return {session: this.sessions.open()};",
        project: "web",
        tests: ["tests/web/webBeyondLoopback.test.ts"]
    },
    {
        name: "playground-no-owner-check",
        breaks: "a playground answer image is shown only to its owner",
        file: "src/app/AnswerActions.ts",
        search: "interaction.platform === requester.platform && interaction.userPseudonym === this.store.pseudonymOf(requester)",
        replace: "interaction.platform === requester.platform",
        project: "web",
        tests: ["tests/web/playgroundAndAudit.test.ts"]
    },
    {
        name: "playground-stream-drops-cookie",
        breaks: "a client's first /api/solve hands it the browser cookie that makes the problem its own",
        file: "src/platforms/web/playgroundRoutes.ts",
        search: "    if (cookie != null) reply.raw.setHeader(\"set-cookie\", cookie);\n",
        replace: "",
        project: "web",
        tests: ["tests/web/playgroundAndAudit.test.ts"]
    },
    {
        name: "web-admin-any-session-cookie",
        breaks: "only a session the login opened lets one into the audit pages",
        file: "src/platforms/web/AdminAuth.ts",
        search: "if (this.sessions.isOpen(cookie(request, adminCookieName))) return true;",
        replace: "if (cookie(request, adminCookieName) != null) return true;",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-login-no-delay",
        breaks: "each wrong admin token is answered later than the last",
        file: "src/platforms/web/AdminAuth.ts",
        search: "await sleep(this.throttle.fail(request.ip));",
        replace: "this.throttle.fail(request.ip);",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-login-no-lockout",
        breaks: "a client that guessed wrong too often is refused with 429",
        file: "src/platforms/web/AdminAuth.ts",
        search: "        if (retryAfterSeconds != null) return {retryAfterSeconds};\n",
        replace: "",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-cookie-bad-escape-throws",
        breaks: "a cookie with a bad %-escape is ignored, not a 500",
        file: "src/platforms/web/cookies.ts",
        search: "        } catch {\n            return undefined;\n        }",
        replace: "        } finally {\n            // nothing\n        }",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-url-number-loose",
        breaks: "ids and offsets in URLs are strict whole numbers",
        file: "src/platforms/web/wholeNumber.ts",
        search: "if (text == null || !/^\\d{1,15}$/.test(text)) return undefined;",
        replace: "if (text == null || Number.isNaN(Number(text))) return undefined;",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-origin-hard-coded-http",
        breaks: "behind a TLS proxy the public https origin may POST",
        file: "src/platforms/web/allowedAddresses.ts",
        search: "...publicUrls.map((url) => url.origin)",
        replace: "...publicUrls.map((url) => `http://${url.host}`)",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-host-not-checked",
        breaks: "a Host Kotae does not serve is refused (DNS rebinding)",
        file: "src/platforms/web/WebServer.ts",
        search: "if (allowed == null || !allowed.hosts.has((request.headers.host ?? \"\").toLowerCase()))",
        replace: "if (allowed == null)",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-admission-per-client-skipped",
        breaks: "a client dropping its cookie still meets the pending and hourly limits",
        file: "src/platforms/web/playgroundRoutes.ts",
        search: "signal, ...(isAdmin ? {} : {gate: addressGate(context, request.ip)})",
        replace: "signal",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-admission-chat-rules-skipped",
        breaks: "a browser meets the chat platforms' hourly limit by its cookie",
        file: "src/app/SolveProblem.ts",
        search: "        if (refusal != null) {\n            yield this.engine.refuse(request, refusal);",
        replace: "        if (false as boolean && refusal != null) {\n            yield this.engine.refuse(request, refusal);",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "web-no-request-rate-limit",
        breaks: "a client beyond its requests per minute gets 429",
        file: "src/platforms/web/WebServer.ts",
        search: "            if (retryAfter != null)\n                return reply.code(429)",
        replace: "            if (retryAfter == null && retryAfter != null)\n                return reply.code(429)",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "playground-hides-early-refusal",
        breaks: "a refusal before any stream (429) is shown in the playground",
        file: "src/platforms/web/public/app.js",
        search: "    if (!response.ok) {\n        onEvent(",
        replace: "    if (false) {\n        onEvent(",
        project: "web",
        tests: ["tests/web/playgroundAndAudit.test.ts"]
    },
    {
        name: "web-logger-off",
        breaks: "server errors reach the operator as one line in Kotae's log",
        file: "src/platforms/web/WebServer.ts",
        search: "loggerInstance: runtime.logger.child({component: \"web\"}, {level: \"warn\"}) as FastifyBaseLogger",
        replace: "logger: false",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "serve-ignores-sigterm",
        breaks: "kotae serve stops cleanly on SIGTERM",
        file: "src/cli/stopSignals.ts",
        search: "process.once(\"SIGTERM\", first);",
        replace: "",
        project: "model",
        tests: ["tests/cli/kotaeCli.test.ts"],
        build: true
    },
    {
        name: "serve-closes-services-first",
        breaks: "SIGTERM cancels running samples at once instead of waiting for the solve to finish",
        file: "src/cli/serveCommandLine.ts",
        search: "            await runtime.engine.close();\n",
        replace: "",
        project: "model",
        tests: ["tests/cli/kotaeCli.test.ts"],
        build: true
    },
    {
        name: "store-start-marks-live-rows",
        breaks: "a start leaves the rows of another live process alone",
        file: "storage/ProcessOwner.ts",
        search: ": startMarkOf(owner.pid) === owner.startMark;",
        replace: ": false;",
        project: "standalone",
        tests: ["tests/unit/InteractionRepository.test.ts"]
    },
    {
        name: "store-finish-overwrites-interrupted",
        breaks: "a process believed gone never overwrites a row another process marked interrupted",
        file: "storage/InteractionRepository.ts",
        search: "representative_sample = @representativeSample\n        WHERE id = @id AND ${stillOwned}`",
        replace: "representative_sample = @representativeSample\n        WHERE id = @id`",
        project: "standalone",
        tests: ["tests/unit/InteractionRepository.test.ts"]
    },
    {
        name: "kernel-keeps-block-leftovers",
        breaks: "processes a code block started are killed after it",
        file: "src/sandbox/kernel.py",
        search: "        os.kill(-1, signal.SIGKILL)",
        replace: "        pass",
        project: "sandbox",
        tests: ["tests/sandbox/attacks.test.ts"]
    },
    {
        name: "sandbox-without-seccomp",
        breaks: "bubblewrap loads the seccomp filter that refuses keyrings, ptrace, bpf, ...",
        file: "src/sandbox/interpreterCommand.ts",
        search: "        \"--seccomp\", String(seccompFd),\n",
        replace: "",
        project: "sandbox",
        tests: ["tests/sandbox/attacks.test.ts"]
    },
    {
        name: "seccomp-allows-keyctl",
        breaks: "keyctl is on the seccomp deny list",
        file: "src/sandbox/deniedSyscalls.ts",
        search: "    {name: \"keyctl\", x64: 250, arm64: 219},\n",
        replace: "",
        project: "sandbox",
        tests: ["tests/sandbox/attacks.test.ts"]
    },
    {
        name: "sandbox-kernel-bound-from-host",
        breaks: "no host path of the Kotae folder shows in the sandbox's /proc/self/mountinfo",
        file: "src/sandbox/interpreterCommand.ts",
        search: "\"--perms\", \"0444\", \"--ro-bind-data\", String(kernelFd), kernelInSandbox,",
        replace: "\"--ro-bind\", path.join(packageRoot(), \"src\", \"sandbox\", \"kernel.py\"), kernelInSandbox,",
        project: "sandbox",
        tests: ["tests/sandbox/attacks.test.ts"]
    },
    {
        name: "seccomp-allows-foreign-abi",
        breaks: "syscalls of another ABI (i386 via int 0x80) are refused",
        file: "src/sandbox/seccompProgram.ts",
        search: "jump(jumpIfEqual, auditArch, 0, \"deny\"),",
        replace: "jump(jumpIfEqual, auditArch, 0, 0),",
        project: "standalone",
        tests: ["tests/unit/seccompProgram.test.ts"]
    },
    {
        name: "seccomp-allows-x32",
        breaks: "x32 syscalls (bit 30 of the number) are refused on x86_64",
        file: "src/sandbox/seccompProgram.ts",
        search: "jump(jumpIfAnyBit, x32Bit, \"deny\", 0)",
        replace: "jump(jumpIfAnyBit, x32Bit, 0, 0)",
        project: "standalone",
        tests: ["tests/unit/seccompProgram.test.ts"]
    },
    {
        name: "seccomp-allows-any-persona",
        breaks: "personality(2) may only query or keep the default persona",
        file: "src/sandbox/seccompProgram.ts",
        search: "jump(jumpIfEqual, 0xFFFFFFFF, \"allow\", \"deny\")",
        replace: "jump(jumpIfEqual, 0xFFFFFFFF, \"allow\", \"allow\")",
        project: "standalone",
        tests: ["tests/unit/seccompProgram.test.ts"]
    },
    {
        name: "seccomp-allows-namespace-clone",
        breaks: "clone(2) cannot start new namespaces",
        file: "src/sandbox/seccompProgram.ts",
        search: "jump(jumpIfAnyBit, namespaceCloneFlags, \"deny\", \"allow\")",
        replace: "jump(jumpIfAnyBit, namespaceCloneFlags, \"allow\", \"allow\")",
        project: "standalone",
        tests: ["tests/unit/seccompProgram.test.ts"]
    },
    {
        name: "cli-empty-problem-logged-as-failure",
        breaks: "an empty problem is a rejection (exit 1), logged as rejected",
        file: "src/engine/failureStatus.ts",
        search: "    ErrorCode.ProblemEmpty, ErrorCode.ProblemTooLong,",
        replace: "    ErrorCode.ProblemTooLong,",
        project: "model",
        tests: ["tests/cli/kotaeCli.test.ts"],
        build: true
    },
    {
        name: "slack-writes-not-paced",
        breaks: "a burst in one Slack channel stays within Slack's per-channel posting limit",
        file: "src/platforms/slack/SlackAdapter.ts",
        search: "requestInterceptor: pacer.interceptor",
        replace: "requestInterceptor: (request: never) => request",
        project: "slack",
        tests: ["tests/slack/slackChannelPacing.test.ts"]
    },
    {
        name: "pacer-ignores-burst-debt",
        breaks: "a write after the burst waits for the next free turn",
        file: "src/platforms/slack/ChannelPacer.ts",
        search: "return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens * this.rate.intervalMs);",
        replace: "return 0;",
        project: "standalone",
        tests: ["tests/unit/channelPacer.test.ts"]
    },
    {
        name: "new-key-beside-existing-data",
        breaks: "no new pseudonym key is made for a database that already holds data",
        file: "src/app/openStore.ts",
        search: "    if (store.holdsPseudonyms() && !fs.existsSync(keyFile))\n        throw new DatabaseProblem(",
        replace: "    if (store.holdsPseudonyms() && false)\n        throw new DatabaseProblem(",
        project: "model",
        tests: ["tests/cli/edgeErrorsCli.test.ts"],
        build: true
    },
    {
        name: "sse-writes-every-token",
        breaks: "streamed text is written together, once per interval",
        file: "src/platforms/web/EventStreamWriter.ts",
        search: "if (!streamedTypes.has(event.type) || ",
        replace: "if (true || ",
        project: "standalone",
        tests: ["tests/unit/eventStreamWriter.test.ts"]
    },
    {
        name: "dotenv-overrides-environment",
        breaks: "a real environment variable wins over the same one in .env",
        file: "src/config/loadDotEnvFile.ts",
        search: "    process.loadEnvFile(file);\n",
        replace: "    Object.assign(process.env, Object.fromEntries(text.split(\"\\n\").map((line) => line.split(\"=\")) as [string, string][]));\n",
        project: "model",
        tests: ["tests/cli/dotEnvCli.test.ts"],
        build: true
    },
    {
        name: "dotenv-accepts-malformed-line",
        breaks: "a .env line that is not NAME=value stops Kotae with one line naming the file and line",
        file: "src/config/loadDotEnvFile.ts",
        search: "    if (badLine !== undefined)\n",
        replace: "    if (badLine === -1)\n",
        project: "model",
        tests: ["tests/cli/dotEnvCli.test.ts"],
        build: true
    },
    {
        name: "discord-single-shard",
        breaks: "the Discord client shards internally as Discord recommends",
        file: "src/platforms/discord/DiscordAdapter.ts",
        search: "        shards: \"auto\",\n",
        replace: "",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "sandbox-without-seccomp-unnoticed",
        breaks: "kotae doctor reports whether the seccomp filter really applies to sandboxed code",
        file: "src/sandbox/interpreterCommand.ts",
        search: "        \"--seccomp\", String(seccompFd),\n",
        replace: "",
        project: "model",
        tests: ["tests/cli/kotaeCli.test.ts"],
        build: true
    },
    {
        name: "container-sandbox-fix-generic",
        breaks: "in a container, the sandbox's failure names the run options bubblewrap needs there",
        file: "src/sandbox/BubblewrapSandbox.ts",
        search: "    const container = detectContainer();\n    return container",
        replace: "    const container = detectContainer(\"/no-such-root\");\n    return container",
        project: "sandbox",
        tests: ["tests/sandbox/containerDoctor.test.ts"],
        build: true
    },
    {
        name: "web-admin-held-to-limits",
        breaks: "an admin in the playground is held to no solve limit",
        file: "src/platforms/web/playgroundRoutes.ts",
        search: "{requester, isModerator: isAdmin}",
        replace: "{requester, isModerator: false}",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "readyz-ignores-database",
        breaks: "/readyz answers 503 database_unwritable when the database refuses writes",
        file: "src/app/KotaeRuntime.ts",
        search: "        if (!this.store.canWrite())\n            reasons.push(\"database_unwritable\");\n",
        replace: "",
        project: "web",
        tests: ["tests/web/observability.test.ts"]
    },
    {
        name: "readyz-no-model-state",
        breaks: "/readyz names model_loading or model_unavailable until the model is ready",
        file: "src/app/KotaeRuntime.ts",
        search: "        if (this.loadState !== \"ready\")\n            reasons.push(`model_${this.loadState}`);\n        else if",
        replace: "        if",
        project: "web",
        tests: ["tests/web/observability.test.ts"]
    },
    {
        name: "metrics-open-to-anyone",
        breaks: "/metrics only for a client on this machine or one with the admin token",
        file: "src/platforms/web/healthRoutes.ts",
        search: "if (!isLoopbackClient(request) && !context.isAdmin(request))",
        replace: "if (!isLoopbackClient(request) && !context.isAdmin(request) && false)",
        project: "web",
        tests: ["tests/web/observability.test.ts"]
    },
    {
        name: "metrics-every-failure-failed",
        breaks: "requests_total tells rejected and cancelled requests from failed ones",
        file: "src/observability/KotaeMetrics.ts",
        search: "end(statusOfFailure(event.code));",
        replace: "end(\"failed\");",
        project: "standalone",
        tests: ["tests/unit/KotaeMetrics.test.ts"]
    },
    {
        name: "metrics-solves-running-never-end",
        breaks: "solves_running goes down when a started solve ends",
        file: "src/observability/KotaeMetrics.ts",
        search: "if (started) this.solvesRunning.dec();",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/KotaeMetrics.test.ts"]
    },
    {
        name: "log-stack-without-debug",
        breaks: "a logged error is its message and code, its stack only with --debug/KOTAE_DEBUG=1",
        file: "src/observability/KotaeLogger.ts",
        search: "...(withStack && error.stack != null ? {stack: error.stack} : {})",
        replace: "...(error.stack != null ? {stack: error.stack} : {})",
        project: "standalone",
        tests: ["tests/unit/KotaeLogger.test.ts"]
    },
    {
        name: "web-logs-client-errors",
        breaks: "requests and client errors (4xx) are answered, not logged",
        file: "src/platforms/web/WebServer.ts",
        search: "runtime.logger.child({component: \"web\"}, {level: \"warn\"})",
        replace: "runtime.logger.child({component: \"web\"}, {level: \"info\"})",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "openai-user-text-parsed-as-special",
        breaks: "text a student typed is tokenized without special tokens (llama-server parse_special: false)",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "const special = segment.kind === \"special\";",
        replace: "const special = true;",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "openai-vllm-special-shapes-not-split",
        breaks: "on vLLM, special-token-shaped user text is cut so its tokenizer cannot read it as a special token",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "!special && endpoint.flavour === \"vllm\" ? await this.withoutSpecialTokens(endpoint, segment.text) : [segment.text]",
        replace: "[segment.text]",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "openai-no-second-server",
        breaks: "a completion whose server dies mid-stream moves once to another server",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "                failedOn = endpoint;",
        replace: "                throw error;",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "openai-retry-starts-over",
        breaks: "the second server continues from the text already streamed, so consumers get one seamless text",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "await this.promptFor(endpoint, request.prompt.append(scanner.received))",
        replace: "await this.promptFor(endpoint, request.prompt)",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "openai-cancel-keeps-streaming",
        breaks: "cancelling a completion closes the server's stream",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "        request.signal?.addEventListener(\"abort\", abort, {once: true});\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "stop-scanner-leaks-trigger-start",
        breaks: "no part of a stop trigger reaches the consumers (held back until it cannot be one)",
        file: "src/llm/openai/StopTriggerScanner.ts",
        search: "this.emitUpTo(this.received.length - this.heldBackLength());",
        replace: "this.emitUpTo(this.received.length);",
        project: "standalone",
        tests: ["tests/unit/serverSentEvents.test.ts", "tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "pool-uses-unhealthy-server",
        breaks: "a loading or dead server gets no completions until a health check finds it ready",
        file: "src/llm/openai/EndpointPool.ts",
        search: "(endpoint) => endpoint.state === \"ready\" && endpoint !== waiter.exclude",
        replace: "(endpoint) => endpoint !== waiter.exclude",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "pool-ignores-slots",
        breaks: "each server runs at most KOTAE_BACKEND_PARALLEL completions at once",
        file: "src/llm/openai/EndpointPool.ts",
        search: "            if (endpoint.active >= endpoint.slots)\n                continue;\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "openai-space-prefix-per-segment",
        breaks: "a SentencePiece tokenizer's space prefix is not added at every prompt segment (in-process parity)",
        file: "src/llm/segmentTokens.ts",
        search: "    return withSeparator.slice(separatorTokens.length);\n",
        replace: "    return undefined;\n",
        project: "standalone",
        tests: ["tests/unit/OpenAiBackend.test.ts"]
    },
    {
        name: "metrics-miss-follow-ups",
        breaks: "requests_total counts follow-up questions (mode follow_up)",
        file: "src/engine/Engine.ts",
        search: "(signal, channel) => this.runFollowUp(request, signal, channel), observe);",
        replace: "(signal, channel) => this.runFollowUp(request, signal, channel));",
        project: "web",
        tests: ["tests/web/observability.test.ts"]
    },
    {
        name: "in-process-space-prefix-per-segment",
        breaks: "the in-process backend tokenizes each prompt piece as it follows earlier text, as the openai backend does",
        file: "src/llm/LlamaCppBackend.ts",
        search: "return (tokensAfterSeparator(model.tokenize(separator, special), model.tokenize(`${separator}${text}`, special)) ?? model.tokenize(text, special)) as Token[];",
        replace: "return model.tokenize(text, special, \"trimLeadingSpace\") as Token[];",
        project: "model",
        tests: ["tests/model/openAiPromptTokens.test.ts"]
    },
    {
        name: "chat-template-cache-keyed-by-source-only",
        breaks: "a template parsed once still renders each call's bos_token and eos_token (the openai backend learns bos_token late)",
        file: "src/llm/ChatTemplateCache.ts",
        search: "const key = JSON.stringify([specialTokens.bos_token ?? null, specialTokens.eos_token ?? null, source]);",
        replace: "const key = source;",
        project: "standalone",
        tests: ["tests/unit/chatTemplateCache.test.ts"]
    },
    {
        name: "openai-template-without-bos-text",
        breaks: "a template's bos_token renders as the servers' tokenizer writes it (the same tokens as in-process)",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "this.chatTemplates.render(messages, chatTemplate, this.beginningText ? {bos_token: this.beginningText} : {})",
        replace: "this.chatTemplates.render(messages, chatTemplate, {})",
        project: "model",
        tests: ["tests/model/openAiPromptTokens.test.ts"]
    },
    {
        name: "openai-double-beginning",
        breaks: "a prompt whose template wrote bos_token gets no second BOS",
        file: "src/llm/openai/OpenAiBackend.ts",
        search: "beginning.length > 0 && beginning.every((token, index) => tokens[index] === token) ? tokens : [...beginning, ...tokens]",
        replace: "[...beginning, ...tokens]",
        project: "model",
        tests: ["tests/model/openAiPromptTokens.test.ts"]
    },
    {
        name: "dataset-export-keeps-forgotten",
        breaks: "exports leave out the users who asked to be forgotten",
        file: "storage/DatasetQueries.ts",
        search: "    WHERE i.user_pseudonym NOT IN (SELECT user_pseudonym FROM forgotten_users) AND i.mode != 'tex'`;",
        replace: "    WHERE i.mode != 'tex'`;",
        project: "standalone",
        tests: ["tests/unit/exportDataset.test.ts"]
    },
    {
        name: "filter-ignores-until",
        breaks: "the review queue and exports are narrowed to reports before --until",
        file: "storage/filterConditions.ts",
        search: "    if (filter.until != null) add(\"created_at\", \"<\", filter.until.toISOString());\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts", "tests/unit/exportDataset.test.ts"]
    },
    {
        name: "forget-user-keeps-turns",
        breaks: "forget-me blanks what the user wrote in others' threads",
        file: "storage/DatasetQueries.ts",
        search: "            this.statements.forgetTurns.run(pseudonym);\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts"]
    },
    {
        name: "conversation-turns-share-an-index",
        breaks: "each follow-up turn is appended after the last one, in order",
        file: "storage/ConversationRepository.ts",
        search: "coalesce(max(turn_index) + 1, 0)",
        replace: "coalesce(max(turn_index), 0)",
        project: "standalone",
        tests: ["tests/unit/repositories.test.ts"]
    },
    {
        name: "community-loses-mention-flag",
        breaks: "a community's follow-ups-need-mention choice is kept",
        file: "storage/CommunityRepository.ts",
        search: "followUpsNeedMention: flagOf(row[\"followups_need_mention\"]),",
        replace: "followUpsNeedMention: null,",
        project: "standalone",
        tests: ["tests/unit/repositories.test.ts"]
    },
    {
        name: "domain-imports-storage",
        breaks: "the domain types stand on their own, importing nothing from storage",
        file: "src/domain/Requester.ts",
        search: "/** Who asked, where.",
        replace: "import type {KotaeStore} from \"../../storage/KotaeStore.js\";\nexport type Store = KotaeStore;\n/** Who asked, where.",
        project: "standalone",
        tests: ["tests/unit/domainLayer.test.ts"]
    },
    {
        name: "serve-starts-unconfigured-platforms",
        breaks: "serve starts only the platforms whose section is configured",
        file: "src/cli/serveCommandLine.ts",
        search: "const configured = platforms.filter((platform) => platform.configured(sectionOf(services.config, platform)));",
        replace: "const configured = platforms.filter(() => true);",
        project: "model",
        tests: ["tests/cli/platformRegistry.test.ts"]
    },
    {
        name: "serve-stops-platforms-in-start-order",
        breaks: "serve stops its platforms in reverse start order",
        file: "src/cli/serveCommandLine.ts",
        search: "        } finally {\n            for (const platform of running.reverse())",
        replace: "        } finally {\n            for (const platform of running)",
        project: "model",
        tests: ["tests/cli/platformRegistry.test.ts"]
    },
    {
        name: "serve-leaves-started-platforms-on-failure",
        breaks: "a platform that cannot start stops serve after the ones already started are stopped",
        file: "src/cli/serveCommandLine.ts",
        search: "    } catch (error) {\n        for (const platform of running.reverse())\n            await platform[Symbol.asyncDispose]();\n        throw error;",
        replace: "    } catch (error) {\n        throw error;",
        project: "model",
        tests: ["tests/cli/platformRegistry.test.ts"]
    },
    {
        name: "config-old-flat-key-dropped",
        breaks: "an old flat config key (\"discordToken\") still sets its section's setting for one release",
        file: "src/config/loadConfig.ts",
        search: "        section[name] ??= topLevel[flatKey];\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "config-section-unknown-keys-accepted",
        breaks: "an unknown key inside a platform's section is reported with the other problems",
        file: "src/config/loadConfig.ts",
        search: "        problems.push(...unknownKeys(fromFile, platform.settings, `${platform.name}.`, fileName));\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "discord-token-without-application-id",
        breaks: "the discord section's cross-check: the token needs the application id",
        file: "src/platforms/discord/discordSettings.ts",
        search: "return section.token != null && section.applicationId == null",
        replace: "return false && section.applicationId == null",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "slack-bot-token-without-secret",
        breaks: "the slack section's cross-check: the bot token needs the signing secret or the app token",
        file: "src/platforms/slack/slackSettings.ts",
        search: "return section.botToken != null && section.signingSecret == null && section.appToken == null",
        replace: "return false && section.appToken == null",
        project: "standalone",
        tests: ["tests/unit/config.test.ts"]
    },
    {
        name: "engine-lifecycle-rewrites-end",
        breaks: "a request's log row tells how it ended once: a failure reported after the answer does not rewrite it",
        file: "src/engine/RequestLifecycle.ts",
        search: "        if (!this.ended) // a failure reported after the end was logged (the answer) must not rewrite it\n            this.end(() => this.recordFailure(failure));",
        replace: "        this.recordFailure(failure);",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts"]
    },
    {
        name: "engine-lifecycle-keeps-slots",
        breaks: "every queue slot a request took is released when it ends, however far it got",
        file: "src/engine/RequestLifecycle.ts",
        search: "        for (const slot of this.slots)\n            slot.release();\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts"]
    },
    {
        name: "engine-fan-out-keeps-slots",
        breaks: "each sample's slot is released when the sample ends, so the next sample or request can start",
        file: "src/engine/fanOutSamples.ts",
        search: "        } finally {\n            slot.release();\n        }",
        replace: "        } finally {\n        }",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts"]
    },
    {
        name: "engine-cancel-ignores-platform",
        breaks: "only the asker cancels a solve: the same user id on another platform is someone else",
        file: "src/engine/RunningSolves.ts",
        search: "solve.asker.platform !== requester.platform || ",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts", "tests/unit/Engine.test.ts"]
    },
    {
        name: "engine-vote-shows-first-sample",
        breaks: "the solution shown is the first sample that gave the winning answer, not simply the first sample",
        file: "src/engine/chooseRepresentative.ts",
        search: "const representative = bySample.get(vote.representative) ?? solved[0]!;",
        replace: "const representative = solved[0]!;",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts", "tests/unit/Engine.test.ts"]
    },
    {
        name: "engine-notice-per-sample",
        breaks: "a notice (e.g. the fallback to text) is said once per request, however many samples hit it",
        file: "src/engine/sampleListeners.ts",
        search: "            if (noticed.has(code)) return;\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/engineParts.test.ts"]
        },
    {
        name: "playground-failure-unworded",
        breaks: "the playground's stream tells a failure in the browser user's words (the engine's events carry only codes)",
        file: "src/platforms/web/playgroundRoutes.ts",
        search: "    if (event.type === \"failed\") return {...event, message: localize(event.code, locale, event.params)};\n",
        replace: "",
        project: "web",
        tests: ["tests/web/webBehindProxy.test.ts"]
    },
    {
        name: "app-solve-admits-any-channel",
        breaks: "the solve use case refuses a channel the moderators did not allow (admission is inside solve, for every platform)",
        file: "src/app/SolveProblem.ts",
        search: "            channelAllowed, withinRateLimit(this.store)\n",
        replace: "            withinRateLimit(this.store)\n",
        project: "standalone",
        tests: ["tests/unit/useCases.test.ts"]
    },
    {
        name: "app-solve-keeps-gate-place",
        breaks: "a platform's own admission gate (the web's per-address limit) gets its place back when the solve ends",
        file: "src/app/SolveProblem.ts",
        search: "            gate?.release();\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/useCases.test.ts"]
    },
    {
        name: "app-anyone-cancels",
        breaks: "only the asker may cancel a solve under way; anyone else is told not_yours (one rule for every platform)",
        file: "src/app/AnswerActions.ts",
        search: "this.engine.cancel(interactionId, requester) === \"not_yours\")",
        replace: "this.engine.cancel(interactionId, requester) === \"not_yours\" && askerOnlyActions.size === 0)",
        project: "standalone",
        tests: ["tests/unit/useCases.test.ts"]
    },
    {
        name: "app-settings-without-moderator",
        breaks: "changing (or viewing) a community's settings needs a moderator; a refusal is logged",
        file: "src/app/CommunitySettingsActions.ts",
        search: "if (refusal == null && requester.workspaceId != null)",
        replace: "if (requester.workspaceId != null)",
        project: "standalone",
        tests: ["tests/unit/useCases.test.ts"]
    },
    {
        name: "layer-platform-imports-storage",
        breaks: "the layer rules catch a platform importing storage/ (platforms reach Kotae only through the use cases)",
        file: "src/platforms/web/playgroundRoutes.ts",
        search: "import type {AdmissionGate} from \"../../app/SolveProblem.js\";\n",
        replace: "import type {AdmissionGate} from \"../../app/SolveProblem.js\";\nimport type {KotaeStore} from \"../../../storage/KotaeStore.js\";\nexport type PlaygroundStore = KotaeStore;\n",
        project: "standalone",
        tests: ["tests/unit/layerRules.test.ts"]
    },
    {
        name: "tex-refused-formula-drawn",
        breaks: "/tex refuses a formula MathJax refuses (hostile or broken TeX) by name instead of drawing it",
        file: "src/app/renderTex.ts",
        search: "    if (fallback != null)\n        return refuse(\"failed\", texError(fallback), rendered.durationMs);\n",
        replace: "",
        project: "render",
        tests: ["tests/render/texRendering.test.ts"]
    },
    {
        name: "tex-rows-exported",
        breaks: "the training-data export leaves /tex rows out",
        file: "storage/DatasetQueries.ts",
        search: "    WHERE i.user_pseudonym NOT IN (SELECT user_pseudonym FROM forgotten_users) AND i.mode != 'tex'`;",
        replace: "    WHERE i.user_pseudonym NOT IN (SELECT user_pseudonym FROM forgotten_users)`;",
        project: "standalone",
        tests: ["tests/unit/texUseCase.test.ts"]
    },
    {
        name: "tex-rows-in-audit-dataset",
        breaks: "the audit dataset for kotae eval leaves /tex rows out",
        file: "storage/DatasetQueries.ts",
        search: "        WHERE i.mode != 'tex' AND (@status IS NULL",
        replace: "        WHERE (@status IS NULL",
        project: "standalone",
        tests: ["tests/unit/texUseCase.test.ts"]
    },
    {
        name: "tex-delete-by-anyone",
        breaks: "only the author of a /tex image may delete it",
        file: "src/app/deleteTex.ts",
        search: "        : original.userPseudonym !== store.pseudonymOf(requester) ? \"not_yours\"\n",
        replace: "",
        project: "discord",
        tests: ["tests/discord/texCommand.test.ts"]
    },
    {
        name: "tex-theme-not-remembered",
        breaks: "a theme chosen with /tex is remembered for the user's next /tex",
        file: "src/app/renderTex.ts",
        search: "        store.preferences.saveTheme(request.requester, request.theme);",
        replace: "        void request.theme;",
        project: "render",
        tests: ["tests/render/texRendering.test.ts"]
    },
    {
        name: "tex-theme-ignores-user",
        breaks: "/tex draws in the user's own theme before the community's",
        file: "src/app/renderTex.ts",
        search: "    return store.preferences.theme(requester) ?? communityTheme;",
        replace: "    return communityTheme;",
        project: "slack",
        tests: ["tests/slack/texCommand.test.ts"]
    },
    {
        name: "discord-tex-error-public",
        breaks: "a /tex TeX error on Discord is told to its author only, the public placeholder removed",
        file: "src/platforms/discord/texFeature.ts",
        search: "        await interaction.deleteReply();\n        await interaction.followUp({content, ...privately()});",
        replace: "        await interaction.editReply({content});",
        project: "discord",
        tests: ["tests/discord/texCommand.test.ts"]
    },
    {
        name: "slack-tex-delete-keeps-file",
        breaks: "deleting a /tex image on Slack deletes its uploaded file too",
        file: "src/platforms/slack/texFeature.ts",
        search: "            await client.files.delete({file});",
        replace: "            void file;",
        project: "slack",
        tests: ["tests/slack/texCommand.test.ts"]
    },
    {
        name: "web-tex-refusal-unworded",
        breaks: "the playground's /tex tells a refusal or TeX error in the browser user's words",
        file: "src/platforms/web/texRoutes.ts",
        search: "error: outcome.failure.code, message: localize(outcome.failure.code, requester.locale, outcome.failure.params)",
        replace: "error: outcome.failure.code, message: outcome.failure.detail",
        project: "web",
        tests: ["tests/web/texPage.test.ts"]
    },
    {
        name: "discord-dm-opens-thread",
        breaks: "a solve in a DM (or where Kotae is no member) never asks Discord for a thread: the DM itself holds the follow-ups",
        file: "src/app/RequestPlace.ts",
        search: "export function opensThread(place: RequestPlace): boolean {\n    return place.kind === \"community\";",
        replace: "export function opensThread(place: RequestPlace): boolean {\n    return place.kind !== \"elsewhere\";",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-user-install-reply-public",
        breaks: "a user-installed /solve where Kotae is no member (a server without the bot, a group DM) is answered to the student alone",
        file: "src/app/RequestPlace.ts",
        search: "    return place.kind === \"elsewhere\";\n}",
        replace: "    return false;\n}",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "discord-user-install-uses-server-settings",
        breaks: "a user install in a server that has not installed Kotae runs under the bot-wide defaults, not settings once saved for that server",
        file: "src/platforms/discord/discordPlace.ts",
        search: "const installedHere = guildId != null && source.authorizingIntegrationOwners.guildId === guildId;",
        replace: "const installedHere = guildId != null;",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "slack-dm-uses-channel-list",
        breaks: "the workspace's channel list names channels, never the app's DM: /solve in the DM is answered",
        file: "src/app/RequestPlace.ts",
        search: "export function channelListApplies(place: RequestPlace): boolean {\n    return place.kind === \"community\";",
        replace: "export function channelListApplies(place: RequestPlace): boolean {\n    return true;",
        project: "slack",
        tests: ["tests/slack/slackDirectMessages.test.ts"]
    },
    {
        name: "slack-dm-message-ignored",
        breaks: "a plain message in the app's DM is a problem, answered in the DM",
        file: "src/platforms/slack/directMessageFeature.ts",
        search: "        if (message.channel_type !== \"im\" || message.thread_ts != null)",
        replace: "        if (message.channel_type !== \"dm\" || message.thread_ts != null)",
        project: "slack",
        tests: ["tests/slack/slackDirectMessages.test.ts"]
    },
    {
        name: "discord-dm-message-not-followed-up",
        breaks: "a plain message in a DM with Kotae continues the last answer there",
        file: "src/platforms/discord/followUpFeature.ts",
        search: "    const direct = placeOf(message).kind === \"direct\";",
        replace: "    const direct = false;",
        project: "discord",
        tests: ["tests/discord/discordAdapter.test.ts"]
    },
    {
        name: "home-shows-others-problems",
        breaks: "a student's own page (Slack's App Home) lists only their problems, never anyone else's",
        file: "storage/InteractionRepository.ts",
        search: "WHERE user_pseudonym = ? AND platform = ? AND coalesce(workspace_id, '') = ? AND status != 'rejected'\n        ORDER BY",
        replace: "WHERE (user_pseudonym = ? OR 1) AND platform = ? AND coalesce(workspace_id, '') = ? AND status != 'rejected'\n        ORDER BY",
        project: "slack",
        tests: ["tests/slack/slackAppHome.test.ts"]
    },
    {
        name: "settings-change-by-non-moderator",
        breaks: "only moderators (Slack admins) change a community's settings: a forged App Home action from a student is refused and logged",
        file: "src/app/CommunitySettingsActions.ts",
        search: "if (refusal == null && requester.workspaceId != null)",
        replace: "if (requester.workspaceId != null)",
        project: "slack",
        tests: ["tests/slack/slackAppHome.test.ts"]
    },
    {
        name: "home-text-as-mrkdwn",
        breaks: "the App Home tab shows people's and the model's words as plain text: <!channel> in them notifies nobody",
        file: "src/platforms/slack/homeView.ts",
        search: "text: {type: \"plain_text\", text: `${shortened(problem.question, questionChars)}\\n${status}`, emoji: false},",
        replace: "text: {type: \"mrkdwn\", text: `${shortened(problem.question, questionChars)}\\n${status}`},",
        project: "slack",
        tests: ["tests/slack/slackAppHome.test.ts"]
    },
    {
        name: "home-not-republished-after-change",
        breaks: "an admin's settings change on the App Home tab is shown at once (the tab is published again)",
        file: "src/platforms/slack/homeFeature.ts",
        search: "        await publish(client, requester, !(\"refusal\" in outcome) ? uiTexts(requester.locale).settingsSaved\n            : refused ? undefined : localize(outcome.refusal.code, requester.locale, outcome.refusal.params));\n",
        replace: "",
        project: "slack",
        tests: ["tests/slack/slackAppHome.test.ts"]
    },
    {
        name: "slack-status-posted-without-cancel",
        breaks: "a Slack status line is posted with its cancel button at once, sparing the channel's one write a second an edit",
        file: "src/platforms/slack/solveFeature.ts",
        search: "const posted = await client.chat.postMessage({channel, text: status, blocks: progressBlocks(status, interactionId, texts)});",
        replace: "const posted = await client.chat.postMessage({channel, text: status, blocks: progressBlocks(status, undefined, texts)});",
        project: "slack",
        tests: ["tests/slack/slackAdapter.test.ts"]
    },
    {
        name: "status-edit-repeats-acknowledgement",
        breaks: "no status edit repeats what the message showed when it was made",
        file: "src/platforms/shared/watchSolve.ts",
        search: "        if (shown?.phase != null && samePhase(shown.phase, phase) && shown.interactionId === interactionId) return;\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/platformsShared.test.ts"]
    },
    {
        name: "slack-backlog-outlives-close",
        breaks: "a Slack adapter's close drops the writes still waiting for their channel's turn instead of writing on for minutes",
        file: "src/platforms/slack/SlackAdapter.ts",
        search: "const dropped = this.context.pacer.close();",
        replace: "const dropped = 0;",
        project: "slack",
        tests: ["tests/slack/slackShutdown.test.ts"]
    },
    {
        name: "stale-tokens-erased-under-the-batch-lock",
        breaks: "a completion on a used sequence starts while other sequences generate, instead of waiting for them all to finish",
        file: "src/llm/eraseStaleTokens.ts",
        search: "const lock = evaluationLockOf(other);",
        replace: "const lock = undefined;",
        project: "model",
        tests: ["tests/model/LlamaCppBackend.test.ts"]
    },
    {
        name: "migration-repeated-by-a-racing-process",
        breaks: "two processes starting together on a new database both start (each migration runs once)",
        file: "storage/migrations.ts",
        search: "            if ((database.pragma(\"user_version\", {simple: true}) as number) >= migration.version)\n                return;\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "sse-streamed-text-always-held-a-whole-interval",
        breaks: "the first token goes out at once, and text waits only for the rest of the interval since the last write",
        file: "src/platforms/web/EventStreamWriter.ts",
        search: "const wait = this.lastTextWriteAt + this.flushMs - performance.now();",
        replace: "const wait = this.flushMs;",
        project: "standalone",
        tests: ["tests/unit/eventStreamWriter.test.ts"]
    },
    {
        name: "sse-first-token-held-behind-other-events",
        breaks: "only streamed text counts toward the interval: a phase event just before the first token does not hold it back",
        file: "src/platforms/web/EventStreamWriter.ts",
        search: "if (this.held.length > 0) this.lastTextWriteAt = performance.now();",
        replace: "this.lastTextWriteAt = performance.now();",
        project: "standalone",
        tests: ["tests/unit/eventStreamWriter.test.ts"]
    },
    {
        name: "report-page-cut-before-sorting",
        breaks: "the report queue sorts all reported interactions, newest report first, before it cuts the page",
        file: "storage/FeedbackRepository.ts",
        search: "WITH page AS (SELECT r.* FROM ${from} ${where} ORDER BY r.last_report_at DESC, r.interaction_id DESC LIMIT ? OFFSET ?)",
        replace: "WITH page AS (SELECT r.* FROM ${from} ${where} LIMIT ? OFFSET ?)",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts"]
    },
    {
        name: "report-correction-not-the-first",
        breaks: "a report's correction shown is the first one given",
        file: "storage/FeedbackRepository.ts",
        search: "AND corrected_answer IS NOT NULL ORDER BY id LIMIT 1",
        replace: "AND corrected_answer IS NOT NULL ORDER BY id DESC LIMIT 1",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts"]
    },
    {
        name: "report-filter-on-interaction-columns-unjoined",
        breaks: "a filter on an interaction's column joins the reported interactions to their rows",
        file: "storage/FeedbackRepository.ts",
        search: "        joined = true;\n",
        replace: "",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts"]
    },
    {
        name: "review-status-from-the-oldest-review",
        breaks: "an interaction's review status is its newest review's, in the audit queue and in the export's status filter",
        file: "storage/currentReviewStatus.ts",
        search: "ORDER BY id DESC LIMIT 1), 'new')",
        replace: "ORDER BY id LIMIT 1), 'new')",
        project: "standalone",
        tests: ["tests/unit/audit.test.ts", "tests/unit/exportDataset.test.ts"]
    },
    {
        name: "bench-kotae-outlives-benchmark",
        breaks: "a kotae started by the benchmarks or the soak is killed with them, Ctrl-C and crashes included",
        file: "bench/soak/KotaeProcess.ts",
        search: "const killAll = () => { for (const kotae of stillRunning) kotae.killGroup(); };",
        replace: "const killAll = () => undefined;",
        project: "model",
        tests: ["tests/cli/benchKotaeProcess.test.ts"],
        build: true
    },
    {
        name: "sse-token-events-not-joined",
        breaks: "a solution's tokens held together go out as one event, per sample and kind",
        file: "src/platforms/web/EventStreamWriter.ts",
        search: "if (last?.event.type === event.type)",
        replace: "if (false)",
        project: "standalone",
        tests: ["tests/unit/eventStreamWriter.test.ts"]
    },
    {
        name: "new-database-file-taken-for-pseudonymized-data",
        breaks: "processes starting together on a new database all start: a schema without rows makes the key, it is not refused",
        file: "storage/KotaeDatabase.ts",
        search: "        return tables.some((table) =>\n",
        replace: "        return tables.length > 0 && tables.some((table) => true ||\n",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "rows-of-other-tables-ignored-by-the-key-check",
        breaks: "a database whose rows hold pseudonyms (any table) refuses a new key",
        file: "storage/KotaeDatabase.ts",
        search: "WHERE tables.type = 'table' AND columns.name = 'user_pseudonym'",
        replace: "WHERE tables.name = 'interactions' AND columns.name = 'user_pseudonym'",
        project: "standalone",
        tests: ["tests/unit/KotaeStore.test.ts"]
    },
    {
        name: "pseudonym-key-written-in-place",
        breaks: "processes started together on a new database never read the pseudonym key file before it is whole",
        file: "storage/Pseudonymizer.ts",
        search: "        fs.writeFileSync(draft, secret + \"\\n\", {mode: 0o600, flag: \"wx\"});\n        try {\n            fs.linkSync(draft, keyFile);\n",
        replace: "        try {\n            fs.writeFileSync(keyFile, secret + \"\\n\", {mode: 0o600, flag: \"wx\"});\n",
        project: "model",
        tests: ["tests/cli/startingTogether.test.ts"],
        build: true
    },
    {
        name: "wal-switch-given-up-while-another-writes",
        breaks: "a process opening a new database while another holds its write lock waits, instead of failing with database is locked",
        file: "storage/KotaeDatabase.ts",
        search: "code !== \"SQLITE_BUSY\" || performance.now() > deadline",
        replace: "code !== \"SQLITE_BUSY_NEVER\" || performance.now() > deadline",
        project: "model",
        tests: ["tests/cli/startingTogether.test.ts"],
        build: true
    },
    {
        name: "platform-library-loaded-with-the-configuration",
        breaks: "the CLI and its configuration load no platform library (Bolt here) until that platform starts",
        file: "src/platforms/slack/slackPlatform.ts",
        search: "import {crossCheckSlack, slackSettings} from \"./slackSettings.js\";",
        replace: "import {crossCheckSlack, slackSettings} from \"./slackSettings.js\";\nimport \"./SlackAdapter.js\";",
        project: "model",
        tests: ["tests/cli/platformRegistry.test.ts"],
        build: true
    }
];
