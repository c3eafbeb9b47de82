package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;

class InOrderSplitAssignerTest {

    private static FileSourceSplit split(String id, String path) {
        return new FileSourceSplit(id, new Path(path), 0, 10, 0, 10);
    }

    @Test
    void handsOutSplitsInPathOrderWhateverOrderTheyCameIn() {
        InOrderSplitAssigner assigner =
                new InOrderSplitAssigner(
                        List.of(
                                split("1", "/in/c.jsonl"),
                                split("2", "/in/a.jsonl"),
                                split("3", "/in/b/x.jsonl")));

        assertThat(assigner.getNext(null)).map(s -> s.path().getName()).contains("a.jsonl");
        assigner.addSplits(List.of(split("4", "/in/a2.jsonl")));
        assertThat(assigner.remainingSplits())
                .extracting(s -> s.path().getPath())
                .containsExactly("/in/a2.jsonl", "/in/b/x.jsonl", "/in/c.jsonl");
        assertThat(assigner.getNext(null)).map(s -> s.path().getName()).contains("a2.jsonl");
        assertThat(assigner.getNext(null)).map(s -> s.path().getName()).contains("x.jsonl");
        assertThat(assigner.getNext(null)).map(s -> s.path().getName()).contains("c.jsonl");
        assertThat(assigner.getNext(null)).isEqualTo(Optional.empty());
    }
}
