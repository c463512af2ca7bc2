package io.cairn.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.platform.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStoreTest {

    @Test
    void acceptsOrdinaryNames() {
        assertEquals("reads_1.fastq.gz", FileStore.checkBasename("reads_1.fastq.gz"));
        assertEquals("ünïcødé name.txt", FileStore.checkBasename("ünïcødé name.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ".", "..", "a/b", "..\\x", "tab\there", "new\nline"})
    void refusesNamesThatAreNotOnePathSegment(String name) {
        Problem problem = assertThrows(Problem.class, () -> FileStore.checkBasename(name));
        assertEquals(Problem.Kind.BAD_REQUEST, problem.kind());
    }
}
