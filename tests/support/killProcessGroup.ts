/** SIGKILLs every process still in the group led by `leader` (a child spawned with `detached: true`). */
export function killProcessGroup(leader: number): void {
    try {
        process.kill(-leader, "SIGKILL");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") // ESRCH: the group is already empty
            throw error;
    }
}
