"""Cutting a query worker off from the network, as the first thing it does.

Oxigraph evaluates ``SERVICE`` by making an HTTP request, so an endpoint that
runs clients' queries must never let one through. :mod:`kg.sparql.querycheck`
refuses the keyword before a query runs; this module is the second wall, in
case a way round that check is ever found: a query worker calls
:func:`isolate_network` before it imports Oxigraph or opens the store, and from
then on the process cannot open a network connection at all, whatever runs in
it.

The first choice is a network namespace of the worker's own (``unshare(2)``,
called through :mod:`ctypes` since Python 3.11 has no ``os.unshare``). A fresh
namespace has only a loopback interface, and it is down, so no address is
reachable, not even 127.0.0.1 (``connect`` fails with ``ENETUNREACH``). A
process that may (root, or ``CAP_SYS_ADMIN``) asks for ``CLONE_NEWNET`` alone;
any other asks for ``CLONE_NEWUSER | CLONE_NEWNET`` (an unprivileged user
namespace, where it may create the network namespace) and maps its own user
and group id to themselves (``/proc/self/uid_map``, ``gid_map``, after
writing ``deny`` to ``/proc/self/setgroups`` as the kernel requires), so that
the files it reads, the store among them, see the same owner as before. The
worker's pipe to the server is a socket pair made before, which a namespace
does not touch.

When the kernel refuses namespaces (a container's seccomp profile, user
namespaces switched off), the fallback is a seccomp filter, a small BPF
program installed with ``prctl(PR_SET_SECCOMP)`` after ``PR_SET_NO_NEW_PRIVS``:
``socket(2)`` for any family but ``AF_UNIX`` fails with ``EPERM``, and so does
``io_uring_setup(2)`` (io_uring can create sockets without calling
``socket``); system calls of another ABI than the process's own (32-bit
calls on x86-64, x32) fail too, so the filter cannot be walked round. It is
written by hand for x86-64 and AArch64, so it needs no library.

Both must happen while the process has a single thread: a namespace or a
filter applies to the calling thread and the threads it starts later, never
to threads already running (RocksDB starts several when the store opens).
:func:`isolate_network` checks that and returns an :class:`Isolation` naming
the guard in effect: ``netns``, ``seccomp`` or ``none`` with the reason, and
checks the guard by trying to reach the loopback address. The server shows
the guard in ``/status`` and warns at start when it is ``none``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import sys
from dataclasses import dataclass

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000

# classic BPF opcodes
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_RET_K = 0x06

#: per machine: the audit architecture, socket(2)'s number, io_uring_setup(2)'s number, and the first
#: number of another ABI sharing the architecture (x32 on x86-64), if any
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, None),
}


@dataclass(frozen=True)
class Isolation:
    """The network guard in effect in this process: ``netns``, ``seccomp`` or ``none``, and why."""

    guard: str
    detail: str = ""


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def isolate_network() -> Isolation:
    """Put this process out of reach of any network: its own network namespace, else a seccomp filter.

    Call it while the process has one thread. Never raises: what could not be done is in the result.
    """
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"network isolation needs Linux, not {sys.platform}")
    threads = _thread_count()
    if threads != 1:
        return Isolation("none", f"the process already runs {threads} threads; isolation must come first")
    problems = []
    for as_user in (False, True) if _may_administer() else (True,):
        try:
            enter_network_namespace(as_user)
        except OSError as exc:
            problems.append(f"no {'user and ' if as_user else ''}network namespace ({exc.strerror or exc})")
            continue
        if not _loopback_reachable():
            return Isolation("netns")
        problems.append("a network namespace was made but the loopback address is still reachable")
        break
    try:
        deny_sockets()
    except OSError as exc:
        problems.append(f"no seccomp filter ({exc.strerror or exc})")
    else:
        if not _loopback_reachable():
            return Isolation("seccomp", "; ".join(problems))
        problems.append("a seccomp filter was installed but the loopback address is still reachable")
    return Isolation("none", "; ".join(problems))


def enter_network_namespace(as_user: bool) -> None:
    """Move this (single-threaded) process into a new network namespace; OSError when refused.

    With ``as_user``, in a new user namespace as well, mapping the process's user and group ids to
    themselves: what a process without ``CAP_SYS_ADMIN`` may do where user namespaces are allowed.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWUSER | CLONE_NEWNET if as_user else CLONE_NEWNET
    if libc.unshare(ctypes.c_int(flags)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"unshare: {os.strerror(code)}")
    if as_user:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1\n"), ("gid_map", f"{gid} {gid} 1\n")):
            try:
                with open(f"/proc/self/{name}", "w", encoding="ascii") as out:
                    out.write(text)
            except FileNotFoundError:
                if name != "setgroups":  # kernels before 3.19 have no setgroups file
                    raise


def deny_sockets() -> None:
    """Install a seccomp filter: socket(2) of any family but AF_UNIX, and io_uring_setup(2), fail with EPERM.

    Applies to this thread and every thread it starts later; OSError when the kernel refuses it or the
    machine is not one the filter is written for.
    """
    machine = platform.machine().lower()
    if machine not in ARCHITECTURES:
        raise OSError(errno.ENOTSUP, f"no seccomp filter is written for {machine}")
    program = seccomp_program(*ARCHITECTURES[machine])
    filters = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    fprog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    ulong = ctypes.c_ulong
    if libc.prctl(PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(code)}")
    if libc.prctl(PR_SET_SECCOMP, ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog), ulong(0), ulong(0)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_SECCOMP): {os.strerror(code)}")


def seccomp_program(
    arch: int, nr_socket: int, nr_io_uring_setup: int, other_abi: int | None
) -> list[tuple[int, int, int, int]]:
    """The BPF instructions (code, jump if true, jump if false, k) of the filter :func:`deny_sockets` installs.

    A seccomp program reads ``struct seccomp_data``: the system call's number at offset 0, the
    architecture at 4, and the arguments from 16 (the low 32 bits of the first, little-endian).
    """
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    program: list[tuple[int, int, int, int]] = [
        (BPF_LD_W_ABS, 0, 0, 4),  # the architecture
        (BPF_JEQ_K, 1, 0, arch),
        (BPF_RET_K, 0, 0, deny),  # a call of another architecture's ABI
        (BPF_LD_W_ABS, 0, 0, 0),  # the system call's number
    ]
    if other_abi is not None:
        program += [(BPF_JGE_K, 0, 1, other_abi), (BPF_RET_K, 0, 0, deny)]
    program += [
        (BPF_JEQ_K, 0, 3, nr_socket),
        (BPF_LD_W_ABS, 0, 0, 16),  # socket's first argument: the address family
        (BPF_JEQ_K, 3, 0, socket.AF_UNIX),
        (BPF_RET_K, 0, 0, deny),
        (BPF_JEQ_K, 0, 1, nr_io_uring_setup),
        (BPF_RET_K, 0, 0, deny),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return program


def _loopback_reachable() -> bool:
    """Whether this process can still open a TCP socket and get an answer from 127.0.0.1 (port 9, discard)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return False
    with probe:
        probe.settimeout(1.0)
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError as exc:
            return exc.errno not in (errno.ENETUNREACH, errno.EPERM, errno.EACCES, errno.EHOSTUNREACH)
    return True


def _may_administer() -> bool:
    """Whether this process has CAP_SYS_ADMIN in its effective capabilities (root usually has)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) & (1 << 21))
    except (OSError, ValueError):
        pass
    return os.geteuid() == 0


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


__all__ = ["Isolation", "deny_sockets", "enter_network_namespace", "isolate_network", "seccomp_program"]
