import type {RequestOrigin} from "./RequestOrigin.js";

/** Who asked, where. `userId` is the platform's raw id: the store pseudonymizes it before writing. */
export type Requester = {
    readonly platform: RequestOrigin,
    readonly userId: string,
    readonly workspaceId?: string,
    readonly channelId?: string,
    readonly threadId?: string,
    readonly locale?: string
};
