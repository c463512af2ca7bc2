package io.cairn.compute;

/** Which of a task's output streams to read. */
public enum LogStream {
    STDOUT,
    STDERR
}
