import {LogLevel} from "@slack/bolt";
import {afterEach, describe, expect, it} from "vitest";
import {BoltLogger} from "../../src/platforms/slack/BoltLogger.js";
import {trackReply, type DiscordContext} from "../../src/platforms/discord/DiscordContext.js";
import {logFailure, type SlackContext} from "../../src/platforms/slack/SlackContext.js";
import {RepliesUnderWay} from "../../src/platforms/shared/RepliesUnderWay.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {createKotaeLogger, defaultLogFormat, type KotaeLoggerOptions} from "../../src/observability/KotaeLogger.js";
import {temporaryDirectory} from "../support/testRuntime.js";

function captured(options: Omit<KotaeLoggerOptions, "destination">) {
    const lines: string[] = [];
    const logger = createKotaeLogger({...options, destination: {write: (line: string) => lines.push(line)}});
    return {logger, lines};
}

/** A rejection as discord.js reports one: a message, Discord's numeric code, and a deep stack. */
function discordApiError(): Error {
    return Object.assign(new Error("Missing Access"), {code: 50001});
}

const stackFrame = /\n\s+at /;

describe("the log formats", () => {
    it("json: one JSON object a line, with the level's name, an ISO time, the component and the message", () => {
        const {logger, lines} = captured({format: "json", debug: false});
        logger.child({component: "slack"}).info("Slack: connected in Socket Mode.");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\{.*\}\n$/);
        expect(JSON.parse(lines[0]!)).toMatchObject({
            level: "info", component: "slack", msg: "Slack: connected in Socket Mode.", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        });
    });

    it("pretty: an info line is the sentence after the time; a warning or an error says so", () => {
        const {logger, lines} = captured({format: "pretty", debug: false});
        logger.info("Kotae: stopping on SIGTERM (running and queued requests are cancelled and logged).");
        logger.child({component: "render"}).warn("answer timed out after 10000 ms; sending text only");
        expect(lines).toEqual([
            expect.stringMatching(/^\d\d:\d\d:\d\d Kotae: stopping on SIGTERM \(running and queued requests are cancelled and logged\)\.\n$/),
            expect.stringMatching(/^\d\d:\d\d:\d\d \[render\] warn: answer timed out after 10000 ms; sending text only\n$/)
        ]);
    });

    it("pretty: a message with line breaks stays one line", () => {
        const {logger, lines} = captured({format: "pretty", debug: false});
        logger.info("first\nsecond");
        expect(lines).toEqual([expect.stringMatching(/ first second\n$/)]);
    });

    it("writes no debug lines unless debugging", () => {
        const quiet = captured({format: "json", debug: false});
        quiet.logger.debug("detail");
        expect(quiet.lines).toEqual([]);
        const debugging = captured({format: "json", debug: true});
        debugging.logger.debug("detail");
        expect(debugging.lines).toHaveLength(1);
    });

    it("is json under NODE_ENV=production (pm2, Docker) and pretty otherwise", () => {
        expect(defaultLogFormat({NODE_ENV: "production"})).toBe("json");
        expect(defaultLogFormat({NODE_ENV: "development"})).toBe("pretty");
        expect(defaultLogFormat({})).toBe("pretty");
    });

    it("is chosen with KOTAE_LOG_FORMAT, and anything but json or pretty is refused naming the setting", () => {
        const cwd = temporaryDirectory("kotae-log-config-");
        expect(loadConfig({env: {KOTAE_LOG_FORMAT: "json"}, cwd}).logFormat).toBe("json");
        expect(loadConfig({env: {}, cwd}).logFormat).toBeUndefined();
        expect(() => loadConfig({env: {KOTAE_LOG_FORMAT: "yaml"}, cwd})).toThrow(/KOTAE_LOG_FORMAT \/ "logFormat" in the config file/);
    });
});

describe("errors in the log", () => {
    const originalDebug = process.env["KOTAE_DEBUG"];
    afterEach(() => {
        if (originalDebug == null) delete process.env["KOTAE_DEBUG"];
        else process.env["KOTAE_DEBUG"] = originalDebug;
    });

    it("are their message and code on one line, without a stack", () => {
        const pretty = captured({format: "pretty", debug: false});
        pretty.logger.child({component: "engine"}).error({err: new KotaeError(ErrorCode.StorageFailed, "database or disk is full")}, "the database could not record a request");
        expect(pretty.lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d \[engine\] error: the database could not record a request: database or disk is full \[storage_failed\]\n$/)]);

        const json = captured({format: "json", debug: false});
        json.logger.error({err: new KotaeError(ErrorCode.StorageFailed, "database or disk is full")}, "the database could not record a request");
        expect(JSON.parse(json.lines[0]!).err).toEqual({message: "database or disk is full", code: "storage_failed"});
    });

    it("carry their stack with debug: after the line (pretty), as a field (json)", () => {
        const pretty = captured({format: "pretty", debug: true});
        pretty.logger.error({err: new Error("boom")}, "a solve failed");
        expect(pretty.lines[0]).toMatch(/^\d\d:\d\d:\d\d error: a solve failed: boom\nError: boom\n\s+at /);

        const json = captured({format: "json", debug: true});
        json.logger.error({err: new Error("boom")}, "a solve failed");
        expect(JSON.parse(json.lines[0]!).err.stack).toMatch(/^Error: boom\n\s+at /);
    });

    it("carry their stack when KOTAE_DEBUG=1 and nothing else says", () => {
        process.env["KOTAE_DEBUG"] = "1";
        const {logger, lines} = captured({format: "pretty"});
        logger.error({err: new Error("boom")}, "a solve failed");
        expect(lines[0]).toMatch(stackFrame);
    });

    it("say what was thrown when it is not an Error", () => {
        const {logger, lines} = captured({format: "pretty", debug: true});
        logger.error({err: "socket hang up"}, "a solve failed");
        expect(lines).toEqual([expect.stringMatching(/ error: a solve failed: socket hang up\n$/)]);
    });
});

describe("an adapter's handler that throws", () => {
    it("on Discord, is one line naming the interaction, with Discord's code and no stack", async () => {
        const {logger, lines} = captured({format: "pretty", debug: false});
        const context = {answering: new RepliesUnderWay(), log: logger.child({component: "discord"})} as Partial<DiscordContext> as DiscordContext;
        trackReply(context, "1234567890", Promise.reject(discordApiError()));
        await context.answering.settle();
        expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d \[discord\] error: interaction 1234567890 failed: Missing Access \[50001\]\n$/)]);
    });

    it("on Discord with debug, is followed by the stack", async () => {
        const {logger, lines} = captured({format: "pretty", debug: true});
        const context = {answering: new RepliesUnderWay(), log: logger.child({component: "discord"})} as Partial<DiscordContext> as DiscordContext;
        trackReply(context, "1234567890", Promise.reject(discordApiError()));
        await context.answering.settle();
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/interaction 1234567890 failed: Missing Access \[50001\]\nError: Missing Access\n\s+at /);
    });

    it("on Slack, is one line saying what failed, without a stack", () => {
        const {logger, lines} = captured({format: "pretty", debug: false});
        logFailure({log: logger.child({component: "slack"})} as Partial<SlackContext> as SlackContext, "a solve",
            Object.assign(new Error("An API error occurred: channel_not_found"), {code: "slack_webapi_platform_error"}));
        expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d \[slack\] error: a solve failed: An API error occurred: channel_not_found \[slack_webapi_platform_error\]\n$/)]);
    });

    it("inside Bolt, is one line of Bolt's words with the error's message, at Bolt's level", () => {
        const {logger, lines} = captured({format: "pretty", debug: false});
        const bolt = new BoltLogger(logger.child({component: "slack"}));
        bolt.setLevel(LogLevel.ERROR); // as Bolt does with SlackAdapter's logLevel
        bolt.warn("ignored below the level");
        bolt.error("An unhandled error occurred while Bolt processed an event", new Error("socket hang up"));
        expect(bolt.getLevel()).toBe(LogLevel.ERROR);
        expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d \[slack\] error: An unhandled error occurred while Bolt processed an event: socket hang up\n$/)]);
    });
});
