package io.cairn.compute.ra.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says of a process. The JDK counts a zombie (exited, not yet reaped) as alive; where
 * nobody reaps orphans (PID 1 of many containers) a killed task tree would then look alive forever.
 *
 * @param state the one-letter state ({@code R}, {@code S}, {@code Z}, ...)
 * @param pgrp  the process group id
 */
record ProcStat(char state, long pgrp) {

    private static final boolean PROC_AVAILABLE = Files.isDirectory(Path.of("/proc/self"));

    static Optional<ProcStat> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(new ProcStat(fields[0].charAt(0), Long.parseLong(fields[2])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
        return stat.get().state() != 'Z' && stat.get().state() != 'X';
    }
}
