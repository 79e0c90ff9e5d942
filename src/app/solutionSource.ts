import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import type {SolutionSource} from "../render/SolutionDocument.js";

/** A stored solution as the renderer takes it: with its profile's code tags, so code is left out of the image. */
export function solutionSource(profiles: ProfileRegistry, profileName: string, text: string): SolutionSource {
    const tools = profiles.find(profileName)?.tools;
    return tools != null ? {text, tools} : {text};
}
