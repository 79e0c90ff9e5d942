import {runningPlatform, type Platform} from "../Platform.js";
import {crossCheckWeb, webSettings} from "./webSettings.js";

/** The local web app (playground, audit pages, health and metrics): always runs, as the way to try Kotae before any chat platform. */
export const webPlatform: Platform<"web", typeof webSettings> = {
    name: "web",
    title: "Web",
    settings: webSettings,
    startFailureHint: "Set KOTAE_WEB_PORT to a free port.",
    crossCheck: crossCheckWeb,
    configured: () => true,
    start: async ({runtime, config}, section) => {
        const {WebServer} = await import("./WebServer.js");
        const web = await WebServer.start(runtime, config);
        return runningPlatform(`Web: the playground is at ${web.url}/ (audit pages at ${web.url}/audit${section.adminToken == null ? ", once KOTAE_WEB_ADMIN_TOKEN is set" : ""}; `
            + "health at /healthz and /readyz, metrics at /metrics).", () => web.close());
    }
};
