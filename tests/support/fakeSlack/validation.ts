/**
 * The limits Slack enforces on messages, blocks and views, checked here so that an end-to-end test fails
 * the way production would: an answer over chat.update's ~4 000 characters, a 51st block, a 3 001-character
 * section or a 25-character modal title are real rejections a bot has to avoid. Lengths count code points.
 */
import {SlackApiError} from "./SlackApiError.js";

/** chat.postMessage truncates beyond 40 000 characters; Slack's guidance (and chat.update) stops at 4 000. */
export const maxPostTextLength = 40_000;
export const maxUpdateTextLength = 4_000;
export const maxMessageBlocks = 50;
const maxViewBlocks = 100;

type Json = Record<string, unknown>;

const blockTypes = new Set([
    "section", "divider", "image", "actions", "context", "input", "header", "rich_text", "markdown", "file", "video", "table",
    "context_actions", "alert", "card", "carousel", "task_card", "plan"
]);
const elementTypes = new Set([
    "button", "checkboxes", "datepicker", "datetimepicker", "email_text_input", "image", "multi_static_select", "multi_users_select",
    "multi_conversations_select", "multi_channels_select", "multi_external_select", "number_input", "overflow", "plain_text_input",
    "radio_buttons", "rich_text_input", "static_select", "external_select", "users_select", "conversations_select", "channels_select",
    "timepicker", "url_text_input", "file_input"
]);

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function length(value: string): number {
    return [...value].length;
}

/** Collects Slack's `[ERROR] … [json-pointer:…]` lines. */
class Check {
    readonly messages: string[] = [];

    fail(pointer: string, message: string): void {
        this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
    }

    string(pointer: string, value: unknown, max: number, required = false): void {
        if (value === undefined && !required)
            return;
        if (typeof value !== "string")
            this.fail(pointer, "must be a string");
        else if (length(value) > max)
            this.fail(pointer, `must be less than ${max + 1} characters`);
    }

    /** A text object: `{type: "plain_text" | "mrkdwn", text}` with 1 to `max` characters. */
    text(pointer: string, value: unknown, max: number, options: {required?: boolean, plainOnly?: boolean} = {}): void {
        if (value === undefined && options.required !== true)
            return;
        if (!isObject(value)) {
            this.fail(pointer, "must provide an object");
            return;
        }
        const allowed = options.plainOnly === true ? ["plain_text"] : ["plain_text", "mrkdwn"];
        if (!allowed.includes(String(value.type)))
            this.fail(`${pointer}/type`, `must be one of ${allowed.join(", ")}`);
        if (typeof value.text !== "string" || value.text.length === 0)
            this.fail(`${pointer}/text`, "must be more than 0 characters");
        else
            this.string(`${pointer}/text`, value.text, max);
    }

    array(pointer: string, value: unknown, min: number, max: number): unknown[] {
        if (!Array.isArray(value)) {
            this.fail(pointer, "must provide an array");
            return [];
        }
        if (value.length < min)
            this.fail(pointer, `must provide at least ${min} items`);
        if (value.length > max)
            this.fail(pointer, `no more than ${max} items allowed`);
        return value;
    }

    throwIfAny(error: string): void {
        if (this.messages.length > 0)
            throw new SlackApiError(error, this.messages);
    }
}

/** A message's `blocks` (chat.postMessage, chat.update, chat.postEphemeral, response_url): `invalid_blocks` when wrong. */
export function checkMessageBlocks(blocks: unknown): void {
    const check = new Check();
    checkBlocks(check, "/blocks", blocks, maxMessageBlocks);
    check.throwIfAny("invalid_blocks");
}

/** A message's text: `msg_too_long` beyond the method's limit. */
export function checkMessageText(text: unknown, max: number): void {
    if (typeof text === "string" && length(text) > max)
        throw new SlackApiError("msg_too_long");
}

/** A view for views.open / push / update (`modal`) or views.publish (`home`): `invalid_arguments` when wrong. */
export function checkView(view: unknown, type: "modal" | "home"): void {
    const check = new Check();
    if (!isObject(view)) {
        check.fail("/view", "must provide an object");
        check.throwIfAny("invalid_arguments");
        return;
    }
    if (view.type !== type)
        check.fail("/view/type", `must be ${type}`);
    if (type === "modal") {
        check.text("/view/title", view.title, 24, {required: true, plainOnly: true});
        check.text("/view/submit", view.submit, 24, {plainOnly: true});
        check.text("/view/close", view.close, 24, {plainOnly: true});
        if (view.submit === undefined && Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === "input"))
            check.fail("/view/submit", "must provide submit when the view has input blocks");
    }
    check.string("/view/callback_id", view.callback_id, 255);
    check.string("/view/private_metadata", view.private_metadata, 3000);
    check.string("/view/external_id", view.external_id, 255);
    checkBlocks(check, "/view/blocks", view.blocks, maxViewBlocks);
    check.throwIfAny("invalid_arguments");
}

function checkBlocks(check: Check, pointer: string, blocks: unknown, max: number): void {
    const blockIds = new Set<string>();
    check.array(pointer, blocks, 0, max).forEach((block, index) => {
        const at = `${pointer}/${index}`;
        if (!isObject(block) || typeof block.type !== "string") {
            check.fail(at, "must provide an object with a type");
            return;
        }
        if (!blockTypes.has(block.type)) {
            check.fail(`${at}/type`, `unsupported type: ${block.type}`);
            return;
        }
        check.string(`${at}/block_id`, block.block_id, 255);
        if (typeof block.block_id === "string") {
            if (blockIds.has(block.block_id))
                check.fail(`${at}/block_id`, `duplicate block_id: ${block.block_id}`);
            blockIds.add(block.block_id);
        }
        checkBlock(check, at, block);
    });
}

function checkBlock(check: Check, at: string, block: Json): void {
    switch (block.type) {
        case "section":
            if (block.text === undefined && block.fields === undefined)
                check.fail(at, "must provide text or fields");
            check.text(`${at}/text`, block.text, 3000);
            if (block.fields !== undefined)
                check.array(`${at}/fields`, block.fields, 1, 10).forEach((field, index) => check.text(`${at}/fields/${index}`, field, 2000, {required: true}));
            if (block.accessory !== undefined)
                checkElements(check, at, [block.accessory], "accessory");
            break;
        case "header":
            check.text(`${at}/text`, block.text, 150, {required: true, plainOnly: true});
            break;
        case "context":
            check.array(`${at}/elements`, block.elements, 1, 10).forEach((element, index) => {
                if (isObject(element) && element.type === "image")
                    check.string(`${at}/elements/${index}/alt_text`, element.alt_text, 2000, true);
                else
                    check.text(`${at}/elements/${index}`, element, 3000, {required: true});
            });
            break;
        case "actions":
            checkElements(check, at, check.array(`${at}/elements`, block.elements, 1, 25), "elements");
            break;
        case "image":
            if (block.image_url === undefined && block.slack_file === undefined)
                check.fail(at, "must provide image_url or slack_file");
            check.string(`${at}/image_url`, block.image_url, 3000);
            check.string(`${at}/alt_text`, block.alt_text, 2000, true);
            check.text(`${at}/title`, block.title, 2000, {plainOnly: true});
            break;
        case "input":
            check.text(`${at}/label`, block.label, 2000, {required: true, plainOnly: true});
            check.text(`${at}/hint`, block.hint, 2000, {plainOnly: true});
            checkElements(check, at, [block.element], "element");
            break;
        case "markdown":
            check.string(`${at}/text`, block.text, 12_000, true);
            break;
        default:
            // divider, rich_text, file, video, table and the newer kinds: their type is all the fake checks.
            break;
    }
}

/** Interactive elements of one block; `field` names where they sit (`elements/n`, `accessory`, `element`). */
function checkElements(check: Check, at: string, elements: readonly unknown[], field: "elements" | "accessory" | "element"): void {
    const actionIds = new Set<string>();
    elements.forEach((element, index) => {
        const pointer = field === "elements" ? `${at}/elements/${index}` : `${at}/${field}`;
        if (!isObject(element) || typeof element.type !== "string" || !elementTypes.has(element.type)) {
            check.fail(`${pointer}/type`, "must be a known element type");
            return;
        }
        check.string(`${pointer}/action_id`, element.action_id, 255);
        if (typeof element.action_id === "string") {
            if (actionIds.has(element.action_id))
                check.fail(`${pointer}/action_id`, `duplicate action_id: ${element.action_id}`);
            actionIds.add(element.action_id);
        }
        check.text(`${pointer}/placeholder`, element.placeholder, 150, {plainOnly: true});
        switch (element.type) {
            case "button":
                check.text(`${pointer}/text`, element.text, 75, {required: true, plainOnly: true});
                check.string(`${pointer}/value`, element.value, 2000);
                check.string(`${pointer}/url`, element.url, 3000);
                if (element.style !== undefined && element.style !== "primary" && element.style !== "danger")
                    check.fail(`${pointer}/style`, "must be primary or danger");
                break;
            case "plain_text_input":
                for (const bound of ["min_length", "max_length"] as const) {
                    const value = element[bound];
                    if (value !== undefined && (typeof value !== "number" || value < 0 || value > 3000))
                        check.fail(`${pointer}/${bound}`, "must be between 0 and 3000");
                }
                break;
            case "static_select":
            case "radio_buttons":
            case "checkboxes":
                check.array(`${pointer}/options`, element.options, 1, element.type === "static_select" ? 100 : 10).forEach((option, optionIndex) => {
                    const optionPointer = `${pointer}/options/${optionIndex}`;
                    check.text(`${optionPointer}/text`, isObject(option) ? option.text : undefined, 75, {required: true});
                    check.string(`${optionPointer}/value`, isObject(option) ? option.value : undefined, 150, true);
                });
                break;
            default:
                break;
        }
    });
}
