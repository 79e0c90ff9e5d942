import http from "node:http";

export type HttpResponse = {status: number, headers: http.IncomingHttpHeaders, body: string};

/** A web server under test: its port on 127.0.0.1, and `local`, the Host it serves there (127.0.0.1:port). */
export type LocalServer = {readonly port: number, readonly local: string};

/** One request to the server on 127.0.0.1, with the Host header the test chooses (default: the local one). */
export function sendHttp(server: LocalServer, target: string, options: {method?: string, headers?: Record<string, string>, body?: string} = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
        const request = http.request({host: "127.0.0.1", port: server.port, path: target, method: options.method ?? "GET", headers: {host: server.local, ...options.headers}}, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => body += chunk);
            response.on("end", () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}));
        });
        request.on("error", reject);
        request.end(options.body);
    });
}
