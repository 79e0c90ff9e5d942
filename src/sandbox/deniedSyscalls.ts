/**
 * Syscalls sandboxed code never needs and that are the kernel's usual ways out of a sandbox or into its
 * bugs: keyrings (shared across namespaces), debugging other processes, mounts and namespaces, eBPF and
 * perf, kernel modules and kexec, userfaultfd (a favourite of exploits), io_uring, and the host's clock,
 * name, swap and power. Most already fail for a process without capabilities; the filter makes them fail
 * before the kernel code that a bug might hide in runs at all.
 *
 * Numbers from the kernel's tables: x86_64 from arch/x86/entry/syscalls/syscall_64.tbl, arm64 from
 * include/uapi/asm-generic/unistd.h (as installed in /usr/include/x86_64-linux-gnu/asm/unistd_64.h and
 * /usr/include/asm-generic/unistd.h). `undefined`: the syscall does not exist on that architecture.
 */
export const deniedSyscalls: ReadonlyArray<{readonly name: string, readonly x64: number | undefined, readonly arm64: number | undefined}> = [
    {name: "add_key", x64: 248, arm64: 217},
    {name: "request_key", x64: 249, arm64: 218},
    {name: "keyctl", x64: 250, arm64: 219},
    {name: "ptrace", x64: 101, arm64: 117},
    {name: "process_vm_readv", x64: 310, arm64: 270},
    {name: "process_vm_writev", x64: 311, arm64: 271},
    {name: "kcmp", x64: 312, arm64: 272},
    {name: "mount", x64: 165, arm64: 40},
    {name: "umount2", x64: 166, arm64: 39},
    {name: "pivot_root", x64: 155, arm64: 41},
    {name: "open_tree", x64: 428, arm64: 428},
    {name: "move_mount", x64: 429, arm64: 429},
    {name: "fsopen", x64: 430, arm64: 430},
    {name: "fsconfig", x64: 431, arm64: 431},
    {name: "fsmount", x64: 432, arm64: 432},
    {name: "fspick", x64: 433, arm64: 433},
    {name: "mount_setattr", x64: 442, arm64: 442},
    {name: "unshare", x64: 272, arm64: 97},
    {name: "setns", x64: 308, arm64: 268},
    {name: "name_to_handle_at", x64: 303, arm64: 264},
    {name: "open_by_handle_at", x64: 304, arm64: 265},
    {name: "bpf", x64: 321, arm64: 280},
    {name: "perf_event_open", x64: 298, arm64: 241},
    {name: "userfaultfd", x64: 323, arm64: 282},
    {name: "io_uring_setup", x64: 425, arm64: 425},
    {name: "io_uring_enter", x64: 426, arm64: 426},
    {name: "io_uring_register", x64: 427, arm64: 427},
    {name: "fanotify_init", x64: 300, arm64: 262},
    {name: "init_module", x64: 175, arm64: 105},
    {name: "finit_module", x64: 313, arm64: 273},
    {name: "delete_module", x64: 176, arm64: 106},
    {name: "create_module", x64: 174, arm64: undefined},
    {name: "get_kernel_syms", x64: 177, arm64: undefined},
    {name: "query_module", x64: 178, arm64: undefined},
    {name: "kexec_load", x64: 246, arm64: 104},
    {name: "kexec_file_load", x64: 320, arm64: 294},
    {name: "reboot", x64: 169, arm64: 142},
    {name: "swapon", x64: 167, arm64: 224},
    {name: "swapoff", x64: 168, arm64: 225},
    {name: "acct", x64: 163, arm64: 89},
    {name: "quotactl", x64: 179, arm64: 60},
    {name: "quotactl_fd", x64: 443, arm64: 443},
    {name: "nfsservctl", x64: 180, arm64: 42},
    {name: "lookup_dcookie", x64: 212, arm64: 18},
    {name: "syslog", x64: 103, arm64: 116},
    {name: "vhangup", x64: 153, arm64: 58},
    {name: "uselib", x64: 134, arm64: undefined},
    {name: "ustat", x64: 136, arm64: undefined},
    {name: "sysfs", x64: 139, arm64: undefined},
    {name: "_sysctl", x64: 156, arm64: undefined},
    {name: "iopl", x64: 172, arm64: undefined},
    {name: "ioperm", x64: 173, arm64: undefined},
    {name: "settimeofday", x64: 164, arm64: 170},
    {name: "clock_settime", x64: 227, arm64: 112},
    {name: "adjtimex", x64: 159, arm64: 171},
    {name: "clock_adjtime", x64: 305, arm64: 266},
    {name: "sethostname", x64: 170, arm64: 161},
    {name: "setdomainname", x64: 171, arm64: 162}
];

/**
 * personality(2) is allowed only to read the persona (0xffffffff) or set the default one (PER_LINUX, 0):
 * other personas turn off address-space randomisation (ADDR_NO_RANDOMIZE) or map page zero (MMAP_PAGE_ZERO).
 */
export const personalitySyscall = {x64: 135, arm64: 92} as const;

/**
 * clone(2) may start processes and threads but not new namespaces (the flags of unshare(2), in its first
 * argument's low word on both CPUs): CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
 * clone3(2) passes its flags in memory a filter cannot read, so it fails with ENOSYS, on which glibc
 * falls back to clone(2) (as under Docker's and Flatpak's filters).
 */
export const cloneSyscalls = {clone: {x64: 56, arm64: 220}, clone3: {x64: 435, arm64: 435}} as const;
export const namespaceCloneFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
