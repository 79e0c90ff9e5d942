import {CommunityRepository} from "./CommunityRepository.js";
import {ConversationRepository} from "./ConversationRepository.js";
import {DatasetQueries} from "./DatasetQueries.js";
import {EvalRepository} from "./EvalRepository.js";
import {FeedbackRepository} from "./FeedbackRepository.js";
import {InteractionRepository} from "./InteractionRepository.js";
import {KotaeDatabase} from "./KotaeDatabase.js";
import {ModelDigestCache} from "./ModelDigestCache.js";
import {PreferenceRepository} from "./PreferenceRepository.js";
import {currentProcessOwner, type ProcessOwner} from "./ProcessOwner.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {RowOwnership} from "./RowOwnership.js";
import type {Requester} from "../src/domain/Requester.js";

/**
 * The one writer of Kotae's SQLite database, the object the runtime owns and passes around: one
 * repository per aggregate over one connection. Users appear in it only as keyed pseudonyms. It takes
 * no raw SQL: a tool or test that needs a read no repository offers opens its own read-only connection on `file`.
 */
export class KotaeStore implements Disposable {
    /** Requests, their solutions, code executions, events and threads. */
    public readonly interactions: InteractionRepository;
    /** Follow-up turns in answers' threads. */
    public readonly conversations: ConversationRepository;
    /** Each community's settings. */
    public readonly community: CommunityRepository;
    /** Each user's own choices (their /tex theme). */
    public readonly preferences: PreferenceRepository;
    /** Reports, reviews and the review queue. */
    public readonly feedback: FeedbackRepository;
    /** `kotae eval` runs and their graded problems. */
    public readonly evals: EvalRepository;
    /** Reads and deletions across aggregates: export, doctor, audit dataset, retention, forget-me. */
    public readonly dataset: DatasetQueries;
    /** Model files' digests. */
    public readonly modelDigests: ModelDigestCache;
    private readonly database: KotaeDatabase;

    /**
     * @param file the database file (`:memory:` for none).
     * @param owner the process this store writes for: its queued and running rows carry it, and no other
     *   process marks them interrupted while it lives (default: this process; tests pretend to be another).
     */
    public constructor(public readonly file: string, private readonly pseudonymizer: Pseudonymizer, owner: ProcessOwner = currentProcessOwner) {
        this.database = new KotaeDatabase(file);
        const ownership = new RowOwnership(this.database, owner);
        this.interactions = new InteractionRepository(this.database, pseudonymizer, ownership);
        this.conversations = new ConversationRepository(this.database, pseudonymizer);
        this.community = new CommunityRepository(this.database, pseudonymizer);
        this.preferences = new PreferenceRepository(this.database, pseudonymizer);
        this.feedback = new FeedbackRepository(this.database, pseudonymizer);
        this.evals = new EvalRepository(this.database, ownership);
        this.dataset = new DatasetQueries(this.database, pseudonymizer);
        this.modelDigests = new ModelDigestCache(this.database);
    }

    public pseudonymOf(requester: Pick<Requester, "platform" | "userId">): string {
        return this.pseudonymizer.pseudonymOf(requester);
    }

    /** Whether any row holds a user's pseudonym, i.e. the pseudonym key this store was opened with is the database's for good. */
    public holdsPseudonyms(): boolean {
        return this.database.holdsPseudonyms();
    }

    /** Whether a write commits now (for `GET /readyz`). */
    public canWrite(): boolean {
        return this.database.canWrite();
    }

    public close(): void {
        this.database.close();
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}
