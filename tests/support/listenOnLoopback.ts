import http from "node:http";
import type {AddressInfo} from "node:net";

/** An HTTP server on 127.0.0.1 and a free port, for the fakes the suites start (never beyond loopback). */
export async function listenOnLoopback(): Promise<{server: http.Server, baseUrl: string}> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`};
}
