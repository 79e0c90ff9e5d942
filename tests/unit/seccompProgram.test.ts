import {describe, expect, it} from "vitest";
import {cloneSyscalls, deniedSyscalls, personalitySyscall} from "../../src/sandbox/deniedSyscalls.js";
import {seccompArchitectures, seccompProgram, type SeccompArchitecture} from "../../src/sandbox/seccompProgram.js";

// The filter is checked here on every architecture Kotae knows, whatever CPU runs the tests, by running
// the generated BPF the way the kernel would; tests/sandbox/attacks.test.ts checks it in a real sandbox.

const allow = 0x7FFF0000;
const eperm = 0x00050001;
const enosys = 0x00050026;
/** linux/audit.h; i386 is what `int 0x80` from a 64-bit process reports. */
const auditArch = {x64: 0xC000003E, arm64: 0xC00000B7, i386: 0x40000003} as const;
/** read, write, getpid, clone, execve, openat, mmap (syscall_64.tbl and asm-generic/unistd.h). */
const ordinarySyscalls: Record<SeccompArchitecture, readonly number[]> = {
    x64: [0, 1, 39, 56, 59, 257, 9],
    arm64: [63, 64, 172, 220, 221, 56, 222]
};

/** What the kernel would answer: a classic-BPF interpreter for the opcodes a seccomp program may use here. */
function verdict(program: Buffer, call: {readonly arch: number, readonly nr: number, readonly firstArgument?: number}): number {
    const data = Buffer.alloc(64); // struct seccomp_data
    data.writeUInt32LE(call.nr >>> 0, 0);
    data.writeUInt32LE(call.arch >>> 0, 4);
    data.writeUInt32LE((call.firstArgument ?? 0) >>> 0, 16);
    let accumulator = 0;
    for (let pc = 0; pc * 8 < program.length; pc++) {
        const code = program.readUInt16LE(pc * 8);
        const [whenTrue, whenFalse] = [program.readUInt8(pc * 8 + 2), program.readUInt8(pc * 8 + 3)];
        const k = program.readUInt32LE(pc * 8 + 4);
        switch (code) {
            case 0x20: accumulator = data.readUInt32LE(k); break; // BPF_LD|BPF_W|BPF_ABS
            case 0x15: pc += accumulator === k ? whenTrue : whenFalse; break; // BPF_JMP|BPF_JEQ|BPF_K
            case 0x45: pc += (accumulator & k) !== 0 ? whenTrue : whenFalse; break; // BPF_JMP|BPF_JSET|BPF_K
            case 0x06: return k; // BPF_RET|BPF_K
            default: throw new Error(`unexpected opcode 0x${code.toString(16)} at ${pc}`);
        }
    }
    throw new Error("the program ran past its end");
}

describe.each(seccompArchitectures)("the seccomp program for %s", (arch) => {
    const program = seccompProgram(arch);
    const native = auditArch[arch];

    it("refuses every denied syscall with EPERM", () => {
        const numbers = deniedSyscalls.map((syscall) => syscall[arch]).filter((number) => number !== undefined);
        expect(numbers.length).toBeGreaterThan(40);
        for (const nr of numbers)
            expect(verdict(program, {arch: native, nr}), `syscall ${nr}`).toBe(eperm);
    });

    it("allows ordinary syscalls", () => {
        for (const nr of ordinarySyscalls[arch])
            expect(verdict(program, {arch: native, nr}), `syscall ${nr}`).toBe(allow);
    });

    it("allows personality(2) only to query or keep the default persona", () => {
        const nr = personalitySyscall[arch];
        expect(verdict(program, {arch: native, nr, firstArgument: 0})).toBe(allow);
        expect(verdict(program, {arch: native, nr, firstArgument: 0xFFFFFFFF})).toBe(allow);
        expect(verdict(program, {arch: native, nr, firstArgument: 0x0040000})).toBe(eperm); // ADDR_NO_RANDOMIZE
    });

    it("lets clone(2) start processes and threads but not namespaces, and sends clone3(2) back to clone(2)", () => {
        const clone = cloneSyscalls.clone[arch];
        expect(verdict(program, {arch: native, nr: clone, firstArgument: 0x01200011})).toBe(allow); // fork(): CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
        expect(verdict(program, {arch: native, nr: clone, firstArgument: 0x003D0F00})).toBe(allow); // pthread_create()
        for (const namespace of [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000])
            expect(verdict(program, {arch: native, nr: clone, firstArgument: namespace | 0x11}), `flag 0x${namespace.toString(16)}`).toBe(eperm);
        expect(verdict(program, {arch: native, nr: cloneSyscalls.clone3[arch]})).toBe(enosys);
    });

    it("refuses every syscall of a foreign ABI", () => {
        for (const foreign of Object.values(auditArch).filter((other) => other !== native))
            expect(verdict(program, {arch: foreign, nr: 39})).toBe(eperm);
    });
});

it("refuses x32 syscalls on x86_64", () => {
    expect(verdict(seccompProgram("x64"), {arch: auditArch.x64, nr: 0x40000000 | 39})).toBe(eperm);
});
