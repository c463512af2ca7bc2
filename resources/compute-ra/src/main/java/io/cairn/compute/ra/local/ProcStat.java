package io.cairn.compute.ra.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says of a process. The JDK counts a zombie (exited, not yet reaped) as alive; where
 * nobody reaps orphans (PID 1 of many containers) a killed task tree would then look alive forever.
 *
 * @param state   the one-letter state ({@code R}, {@code S}, {@code Z}, ...)
 * @param pgrp    the process group id
 * @param session the session id
 */
record ProcStat(char state, long pgrp, long session) {

    private static final Path PROC = Path.of("/proc");
    private static final boolean PROC_AVAILABLE = Files.isDirectory(PROC.resolve("self"));
    private static final Path LAST_PID = PROC.resolve("sys/kernel/ns_last_pid");
    private static final Path PID_MAX = PROC.resolve("sys/kernel/pid_max");
    private static final Path CPUS_ONLINE = Path.of("/sys/devices/system/cpu/online");

    static Optional<ProcStat> of(long pid) {
        try {
            String stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses: parse after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(new ProcStat(fields[0].charAt(0), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether this host has a /proc file system to ask. */
    static boolean available() {
        return PROC_AVAILABLE;
    }

    /** Not exited: neither a zombie nor dead. */
    boolean running() {
        return state != 'Z' && state != 'X';
    }

    /** Alive and not a zombie. Without a /proc file system only the JDK's answer counts. */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Optional<ProcStat> stat = of(process.pid());
        if (stat.isEmpty()) {
            return !PROC_AVAILABLE;
        }
        return stat.get().running();
    }

    /** A running process with its /proc facts. */
    record Entry(long pid, ProcStat stat) {
    }

    /**
     * The running processes of a session, as /proc lists them at this moment; empty without a /proc file system.
     * Processes that end while the list is read may be missing or still listed.
     */
    static List<Entry> inSession(long session) {
        return inSession(session, 0, Long.MAX_VALUE);
    }

    /**
     * The running processes of a session among those whose pid lies in {@code (above, upTo]}: the caller knows that
     * no member can have another pid (see {@link PidCounter}), and only those processes' stat files are read. This
     * server's own process is never read: it cannot be in a task's session, and its stat file, which sums up every
     * thread of the JVM, is slow to read while the JVM forks.
     */
    static List<Entry> inSession(long session, long above, long upTo) {
        List<Entry> members = new ArrayList<>();
        if (!PROC_AVAILABLE) {
            return members;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                long pid = parsePid(entry.getFileName().toString());
                if (pid <= 0 || pid == self || pid <= above || pid > upTo) {
                    continue;
                }
                of(pid).filter(stat -> stat.session() == session && stat.running())
                        .ifPresent(stat -> members.add(new Entry(pid, stat)));
            }
        } catch (IOException | RuntimeException e) {
            // /proc vanished or cannot be listed: nothing known
        }
        return members;
    }

    /** The pid the kernel handed out last in this pid namespace, or -1 where it does not say. */
    static long lastPid() {
        return readNumber(LAST_PID);
    }

    /**
     * The CPUs this host has online ({@code /sys/devices/system/cpu/online}, say {@code 0-63}), at least those this
     * JVM may use.
     */
    static int onlineCpus() {
        int cpus = 0;
        try {
            for (String range : read(CPUS_ONLINE, StandardCharsets.US_ASCII).trim().split(",")) {
                String[] ends = range.split("-");
                cpus += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
            }
        } catch (IOException | RuntimeException e) {
            cpus = 0;
        }
        return Math.max(cpus, Runtime.getRuntime().availableProcessors());
    }

    /** The largest pid of this host (after it the kernel starts again from the bottom), or -1 if unknown. */
    static long pidMax() {
        return readNumber(PID_MAX);
    }

    /**
     * A file of /proc or /sys, read with as few {@code read} calls as its size allows (the first one takes it all).
     * Not {@link Files#readString}: for a file whose size reads as 0 it reads one byte first and then the rest, and
     * some kernels answer a sysctl file's second read with its end (seen: {@code pid_max} read as "3").
     */
    static String read(Path file, Charset charset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) > 0) {
                if (!buffer.hasRemaining()) {
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                }
            }
            return charset.decode(buffer.flip()).toString();
        }
    }

    private static long readNumber(Path file) {
        try {
            return Long.parseLong(read(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long parsePid(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }
}
