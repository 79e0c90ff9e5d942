import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {Engine} from "../engine/Engine.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import type {Renderer} from "../render/Renderer.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {ActivityLog} from "./ActivityLog.js";
import {AnswerActions} from "./AnswerActions.js";
import {AuditActions} from "./AuditActions.js";
import {CommunitySettingsActions} from "./CommunitySettingsActions.js";
import {FollowUps} from "./FollowUps.js";
import {recentProblems, type RecentProblem} from "./recentProblems.js";
import type {Requester} from "../domain/Requester.js";
import {SolveProblem} from "./SolveProblem.js";
import {TexActions} from "./TexActions.js";

/**
 * What platforms may ask of Kotae, and all they may: they parse input and present results, these do the
 * work (with the engine, the store and the renderer, which platforms never reach directly). Owns nothing:
 * the runtime that made it disposes of what they use.
 */
export class KotaeUseCases {
    public readonly communitySettings: CommunitySettingsActions;
    public readonly solve: SolveProblem;
    public readonly answers: AnswerActions;
    public readonly followUps: FollowUps;
    public readonly audit: AuditActions;
    public readonly activity: ActivityLog;
    public readonly tex: TexActions;
    /** A student's own newest problems in their community (their page: Slack's App Home). */
    public readonly recentProblems: (requester: Requester) => RecentProblem[];

    public constructor(parts: {
        readonly engine: Engine, readonly store: KotaeStore, readonly config: KotaeConfig,
        readonly profiles: ProfileRegistry, readonly renderer: Renderer
    }) {
        const {engine, store, config, profiles, renderer} = parts;
        this.communitySettings = new CommunitySettingsActions(store, config, profiles);
        this.solve = new SolveProblem(engine, store, this.communitySettings);
        this.answers = new AnswerActions(engine, store, profiles, renderer);
        this.followUps = new FollowUps(engine, store, this.answers);
        this.audit = new AuditActions(store, engine);
        this.activity = new ActivityLog(store);
        this.recentProblems = (requester) => recentProblems(store, requester);
        this.tex = new TexActions(store, renderer, config.maxProblemChars);
    }
}
