import type {ViewOutput, ViewStateValue} from "@slack/bolt";
import {interactiveElements, withSlackIds} from "./blocks.js";
import {opaque, slackId} from "./ids.js";
import {SlackApiError} from "./SlackApiError.js";
import {checkView} from "./validation.js";
import type {FakeSlackUser, Workspace} from "./Workspace.js";

/** A view as Slack returns it (views.open, views.update, views.publish) and sends it in view_submission. */
export type RecordedSlackView = ViewOutput;

export type ViewStateValues = ViewOutput["state"]["values"];

/** A modal the app opened (views.open): for whom, with which trigger, and the view as opened. */
export type OpenedView = {readonly triggerId: string, readonly user: FakeSlackUser, readonly view: RecordedSlackView};

/** What a person types or picks in an input, by its element's action_id: text, an option's value, or several values. */
export type ViewFields = Readonly<Record<string, string | readonly string[]>>;

/** views.publish refuses a view over 250 kB. */
const maxViewBytes = 250_000;

type Stored = {view: RecordedSlackView, readonly user: FakeSlackUser};

/**
 * Modals and App Home tabs. Views keep the ids Slack gives them; views.update and views.publish check
 * `hash` (`hash_conflict` for a stale one) and answer with a fresh one, as Slack does.
 */
export class Views {
    readonly opened: OpenedView[] = [];
    /** Whether the app's manifest enables the Home tab (`features.app_home.home_tab_enabled`). */
    homeTabEnabled = true;
    readonly #workspace: Workspace;
    readonly #byId = new Map<string, Stored>();
    readonly #homes = new Map<string, RecordedSlackView>();

    constructor(workspace: Workspace) {
        this.#workspace = workspace;
    }

    /** views.open: the view is checked before the trigger is exchanged, so a rejected view leaves the trigger unused. */
    open(input: unknown, triggerId: string, exchange: (triggerId: string) => FakeSlackUser): RecordedSlackView {
        checkView(input, "modal");
        const user = exchange(triggerId);
        const view = this.#stored(input as Record<string, unknown>, slackId("V"));
        this.#byId.set(view.id, {view, user});
        this.opened.push({triggerId, user, view});
        return view;
    }

    /** views.update: by view_id or external_id; `not_found` for neither, `hash_conflict` for a stale hash. */
    update(args: Record<string, unknown>): RecordedSlackView {
        const stored = [...this.#byId.values()].find(({view}) => view.id === args.view_id || (args.external_id !== undefined && view.external_id === args.external_id));
        if (stored === undefined)
            throw new SlackApiError("not_found");
        if (args.hash !== undefined && args.hash !== stored.view.hash)
            throw new SlackApiError("hash_conflict");
        checkView(args.view, "modal");
        stored.view = {...this.#stored(args.view as Record<string, unknown>, stored.view.id), root_view_id: stored.view.root_view_id};
        return stored.view;
    }

    /**
     * views.publish (https://api.slack.com/methods/views.publish): `not_enabled` while the app's Home tab
     * is off, `view_too_large` beyond 250 kB, `hash_conflict` for a stale hash, `invalid_arguments` for a
     * view Slack refuses (over 100 blocks, a 3 001-character section …).
     */
    publish(user: FakeSlackUser, input: unknown, hash: unknown): RecordedSlackView {
        if (!this.homeTabEnabled)
            throw new SlackApiError("not_enabled");
        if (Buffer.byteLength(JSON.stringify(input ?? null)) > maxViewBytes)
            throw new SlackApiError("view_too_large");
        const current = this.#homes.get(user.id);
        if (hash !== undefined && current !== undefined && hash !== current.hash)
            throw new SlackApiError("hash_conflict");
        checkView(input, "home");
        const view = this.#stored(input as Record<string, unknown>, current?.id ?? slackId("V"));
        this.#homes.set(user.id, view);
        return view;
    }

    home(user: FakeSlackUser): RecordedSlackView | undefined {
        return this.#homes.get(user.id);
    }

    /** The latest modal opened with this callback_id, as it is now (after views.update), and whose it is. */
    latest(callbackId: string): {view: RecordedSlackView, user: FakeSlackUser} | undefined {
        return [...this.#byId.values()].reverse().find(({view}) => view.callback_id === callbackId);
    }

    #stored(input: Record<string, unknown>, id: string): RecordedSlackView {
        const {team, appId, botId} = this.#workspace;
        return {
            ...input,
            id,
            team_id: team.id,
            app_id: appId,
            bot_id: botId,
            app_installed_team_id: team.id,
            type: String(input.type),
            title: input.title as RecordedSlackView["title"],
            close: (input.close ?? null) as RecordedSlackView["close"],
            submit: (input.submit ?? null) as RecordedSlackView["submit"],
            blocks: withSlackIds(input.blocks as unknown[]),
            callback_id: typeof input.callback_id === "string" ? input.callback_id : "",
            private_metadata: typeof input.private_metadata === "string" ? input.private_metadata : "",
            external_id: typeof input.external_id === "string" ? input.external_id : "",
            state: {values: {}},
            hash: `${Math.floor(Date.now() / 1000)}.${opaque()}`,
            root_view_id: id,
            previous_view_id: null,
            clear_on_close: input.clear_on_close === true,
            notify_on_close: input.notify_on_close === true
        };
    }
}

/**
 * The `state.values` Slack's client would submit for these fields: every input block's element by its
 * block_id and action_id. Throws where the client would not let the person submit at all (a required
 * input left empty, text outside min/max_length, an option the select does not offer).
 */
export function submittedValues(view: RecordedSlackView, fields: ViewFields): ViewStateValues {
    const values: ViewStateValues = {};
    const unused = new Set(Object.keys(fields));
    for (const {block, element} of interactiveElements(view.blocks)) {
        if (block.type !== "input")
            continue;
        const actionId = String(element.action_id);
        const given = fields[actionId];
        unused.delete(actionId);
        if (given === undefined && block.optional !== true)
            throw new Error(`The modal "${view.callback_id}" requires input "${actionId}": Slack's client would not submit it empty`);
        (values[String(block.block_id)] ??= {})[actionId] = stateValue(element, given, actionId);
    }
    if (unused.size > 0)
        throw new Error(`The modal "${view.callback_id}" has no input with action_id ${[...unused].join(", ")}`);
    return values;
}

function stateValue(element: Record<string, unknown>, given: string | readonly string[] | undefined, actionId: string): ViewStateValue {
    const type = String(element.type);
    const options = (element.options ?? []) as {text: {type: "plain_text", text: string}, value: string}[];
    const option = (value: string) => {
        const found = options.find((candidate) => candidate.value === value);
        if (found === undefined)
            throw new Error(`Input "${actionId}" offers no option with value "${value}"`);
        return found;
    };
    switch (type) {
        case "plain_text_input":
        case "number_input":
        case "email_text_input":
        case "url_text_input": {
            if (given !== undefined && typeof given !== "string")
                throw new Error(`Input "${actionId}" takes one string`);
            const length = given === undefined ? 0 : [...given].length;
            if (given !== undefined && (length < Number(element.min_length ?? 0) || length > Number(element.max_length ?? 3000)))
                throw new Error(`Input "${actionId}": ${length} characters is outside the element's min_length/max_length`);
            return {type, value: given ?? null};
        }
        case "static_select":
        case "radio_buttons":
            if (given !== undefined && typeof given !== "string")
                throw new Error(`Input "${actionId}" takes one option value`);
            return {type, selected_option: given === undefined ? null : option(given)};
        case "checkboxes":
        case "multi_static_select":
            return {type, selected_options: (typeof given === "string" ? [given] : given ?? []).map(option)};
        default:
            throw new Error(`The fake does not fill "${type}" inputs (action_id "${actionId}")`);
    }
}
