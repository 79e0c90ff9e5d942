import {cloneSyscalls, deniedSyscalls, namespaceCloneFlags, personalitySyscall} from "./deniedSyscalls.js";

/**
 * The audit architecture each CPU's syscalls carry (linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE)
 * and which table of numbers applies. A process can also make another ABI's syscalls (on x86_64:
 * i386 through `int 0x80`, x32 with bit 30 of the number set) whose numbers mean other syscalls, so
 * anything but the native ABI is refused.
 */
const architectures = {
    x64: {auditArch: 0xC000003E, table: "x64", x32Bit: 0x40000000},
    arm64: {auditArch: 0xC00000B7, table: "arm64", x32Bit: undefined}
} as const;

export type SeccompArchitecture = keyof typeof architectures;

/** Node's names (`process.arch`) of the CPUs Kotae can filter syscalls on. */
export const seccompArchitectures = Object.keys(architectures) as readonly SeccompArchitecture[];

/** This CPU's architecture, or undefined where Kotae has no syscall table for it. */
export function hostSeccompArchitecture(): SeccompArchitecture | undefined {
    return seccompArchitectures.find((known) => known === process.arch);
}

/** The numbers of `deniedSyscalls` that exist on an architecture: what the filter fails by number alone. */
export function deniedSyscallNumbers(arch: SeccompArchitecture): number[] {
    const {table} = architectures[arch];
    return deniedSyscalls.map((syscall) => syscall[table]).filter((number) => number !== undefined);
}

// Classic BPF (linux/bpf_common.h): BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_JMP|BPF_JSET|BPF_K, BPF_RET|BPF_K.
const loadWord = 0x20;
const jumpIfEqual = 0x15;
const jumpIfAnyBit = 0x45;
const returnValue = 0x06;
// struct seccomp_data (linux/seccomp.h): nr, arch, instruction_pointer, args[6]; args[0]'s low word on little-endian.
const syscallNumberOffset = 0;
const architectureOffset = 4;
const firstArgumentLowOffset = 16;
const seccompAllow = 0x7FFF0000;
const seccompErrno = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

type Target = number | "allow" | "deny" | "unsupported";
type Instruction = {readonly code: number, readonly k: number, readonly whenTrue: Target, readonly whenFalse: Target};

const load = (offset: number): Instruction => ({code: loadWord, k: offset, whenTrue: 0, whenFalse: 0});
const jump = (code: number, k: number, whenTrue: Target, whenFalse: Target): Instruction => ({code, k, whenTrue, whenFalse});

/**
 * The seccomp filter bubblewrap loads (`--seccomp FD`) just before it starts the interpreter: a classic
 * BPF program, as the kernel's `struct sock_filter` array, that fails every syscall in `deniedSyscalls`,
 * personality(2) except the default persona, clone(2) of new namespaces and every syscall of a foreign
 * ABI with EPERM (code sees a PermissionError, the interpreter lives on), clone3(2) with ENOSYS, and
 * allows the rest.
 */
export function seccompProgram(arch: SeccompArchitecture): Buffer {
    const {auditArch, table, x32Bit} = architectures[arch];
    const numbers = deniedSyscallNumbers(arch);
    const instructions: Instruction[] = [
        load(architectureOffset),
        jump(jumpIfEqual, auditArch, 0, "deny"),
        load(syscallNumberOffset),
        ...(x32Bit !== undefined ? [jump(jumpIfAnyBit, x32Bit, "deny", 0)] : []),
        ...numbers.map((number) => jump(jumpIfEqual, number, "deny", 0)),
        jump(jumpIfEqual, cloneSyscalls.clone3[table], "unsupported", 0),
        jump(jumpIfEqual, cloneSyscalls.clone[table], 0, 2), // not clone: on to personality
        load(firstArgumentLowOffset),
        jump(jumpIfAnyBit, namespaceCloneFlags, "deny", "allow"),
        jump(jumpIfEqual, personalitySyscall[table], 0, "allow"),
        load(firstArgumentLowOffset),
        jump(jumpIfEqual, 0, "allow", 0), // PER_LINUX
        jump(jumpIfEqual, 0xFFFFFFFF, "allow", "deny") // a query, changing nothing
    ];
    const allow = instructions.length;
    const deny = allow + 1;
    const unsupported = allow + 2;
    instructions.push({code: returnValue, k: seccompAllow, whenTrue: 0, whenFalse: 0});
    instructions.push({code: returnValue, k: seccompErrno | EPERM, whenTrue: 0, whenFalse: 0});
    instructions.push({code: returnValue, k: seccompErrno | ENOSYS, whenTrue: 0, whenFalse: 0});

    // Jumps are relative to the next instruction and only forward, at most 255 (a u8).
    const offset = (from: number, target: Target): number => {
        const to = target === "allow" ? allow : target === "deny" ? deny : target === "unsupported" ? unsupported : from + 1 + target;
        const distance = to - from - 1;
        if (distance < 0 || distance > 255)
            throw new Error(`seccomp jump of ${distance} from instruction ${from}`);
        return distance;
    };
    // struct sock_filter {u16 code; u8 jt; u8 jf; u32 k} in the CPU's byte order: little-endian on both.
    const program = Buffer.alloc(instructions.length * 8);
    instructions.forEach((instruction, index) => {
        program.writeUInt16LE(instruction.code, index * 8);
        program.writeUInt8(offset(index, instruction.whenTrue), index * 8 + 2);
        program.writeUInt8(offset(index, instruction.whenFalse), index * 8 + 3);
        program.writeUInt32LE(instruction.k >>> 0, index * 8 + 4);
    });
    return program;
}
