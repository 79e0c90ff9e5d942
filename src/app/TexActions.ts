import type {Requester} from "../domain/Requester.js";
import type {Renderer} from "../render/Renderer.js";
import type {ThemeName} from "../render/RenderTheme.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {deleteTex, type TexDeletion} from "./deleteTex.js";
import {renderTex, texThemeFor, type TexOutcome, type TexRequest} from "./renderTex.js";

/** `/tex` as the platforms ask for it: draw a user's LaTeX (logged as a tex interaction), their theme, and deleting it. */
export class TexActions {
    public constructor(private readonly store: KotaeStore, private readonly renderer: Renderer, private readonly maxChars: number) {}

    public render(request: TexRequest): Promise<TexOutcome> {
        return renderTex({store: this.store, renderer: this.renderer, maxChars: this.maxChars}, request);
    }

    /** The theme a user's drawings use: their own last choice, else the community's. */
    public themeFor(requester: Requester, communityTheme: ThemeName): ThemeName {
        return texThemeFor(this.store, requester, communityTheme);
    }

    /** The author's press deletes the drawing; anyone else's is refused. Every press is logged. */
    public delete(interactionId: number, requester: Requester): TexDeletion {
        return deleteTex(this.store, interactionId, requester);
    }
}
