// pm2: `pm2 start ecosystem.config.js`. One fork-mode instance: the model is loaded once per GPU,
// and a second instance would load a second copy (and fight over the same SQLite writer).
// A named export: pm2 require()s this ESM file (package "type": "module") and reads `apps` off it.
export const apps = [{
    name: "kotae",
    script: "bin/kotae.js",
    args: "serve",
    exec_mode: "fork",
    instances: 1,
    // `pm2 stop` sends SIGTERM: Kotae cancels and logs every request at once and exits within its own
    // bound (shutdownGraceSeconds in src/cli/serveCommandLine.ts, 8 s); SIGKILL only after that plus a margin.
    kill_timeout: 10000,
    // `kotae serve` exits 0 when there is nothing to serve; only restart it after a crash.
    stop_exit_codes: [0],
    max_restarts: 10,
    restart_delay: 5000,
    env: {
        NODE_ENV: "production",
        // One JSON object a line (what NODE_ENV=production implies anyway), for pm2's log files and a collector.
        KOTAE_LOG_FORMAT: "json"
    }
}];
