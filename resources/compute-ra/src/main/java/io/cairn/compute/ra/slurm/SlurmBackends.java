package io.cairn.compute.ra.slurm;

/** What the Slurm clients share. */
final class SlurmBackends {

    static final String KIND = "slurm";

    private SlurmBackends() {
    }

    /** Slurm's time limits are whole minutes: round up, so a task never gets less than it asked for. */
    static long minutes(long seconds) {
        return (seconds + 59) / 60;
    }

    /** Whether a Slurm error says that slurmctld could not be reached (worth retrying) rather than a refusal. */
    static boolean unreachable(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("unable to contact slurm controller") || lower.contains("socket timed out")
                || lower.contains("connection refused") || lower.contains("zero bytes were transmitted")
                || lower.contains("slurm_persist_conn") || lower.contains("communication connection failure")
                || lower.contains("connect failure");
    }
}
