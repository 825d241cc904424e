package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clip4j index} on a disk that fills up (issue 14), simulated by a Lucene Directory whose writes fail with
 * ENOSPC's message after a byte budget: one line saying "disk full" with the index path, exit 1, no stack trace
 * (merge threads included), and the index still opens at its last commit.
 */
class DiskFullIndexingTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();

    @TempDir
    Path tmp;

    @AfterEach
    void realDisk() {
        VectorStore.opener = FSDirectory::open;
    }

    /** Writes fail once {@code budget} bytes have been written through this directory (all files together). */
    static class FullDisk extends FilterDirectory {
        final AtomicLong left;
        final boolean mergesOnly;

        FullDisk(Directory in, long budget, boolean mergesOnly) {
            super(in);
            this.left = new AtomicLong(budget);
            this.mergesOnly = mergesOnly;
        }

        @Override
        public IndexOutput createOutput(String name, IOContext context) throws IOException {
            IndexOutput out = in.createOutput(name, context);
            return mergesOnly && context.context() != IOContext.Context.MERGE ? out : new Limited(out, left);
        }

        @Override
        public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
            IndexOutput out = in.createTempOutput(prefix, suffix, context);
            return mergesOnly && context.context() != IOContext.Context.MERGE ? out : new Limited(out, left);
        }
    }

    static final class Limited extends IndexOutput {
        final IndexOutput out;
        final AtomicLong left;

        Limited(IndexOutput out, AtomicLong left) {
            super("limited(" + out + ")", out.getName());
            this.out = out;
            this.left = left;
        }

        private void take(long n) throws IOException {
            if (left.addAndGet(-n) < 0) throw new IOException("No space left on device");
        }

        @Override
        public void writeByte(byte b) throws IOException {
            take(1);
            out.writeByte(b);
        }

        @Override
        public void writeBytes(byte[] b, int offset, int length) throws IOException {
            take(length);
            out.writeBytes(b, offset, length);
        }

        @Override
        public long getFilePointer() {
            return out.getFilePointer();
        }

        @Override
        public long getChecksum() throws IOException {
            return out.getChecksum();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    static Map<String, VectorStore.Entry> entries(Path index) {
        try (VectorStore store = VectorStore.openForReading(index)) {
            return store.entries();
        }
    }

    @Test
    void aFullDiskIsOneLineAndTheLastCommitStaysReadable() throws Exception {
        Path first = tmp.resolve("first"), more = tmp.resolve("more"), index = tmp.resolve("index");
        TestImages.shapeFolder(first, 3, 1, 40);
        TestImages.shapeFolder(more, 14, 2, 40);
        CliRunner ok = CliRunner.run("index", "--model", VIT, "--index", index.toString(), first.toString());
        assertEquals(0, ok.code(), ok.err());
        Set<String> committed = entries(index).keySet();
        assertEquals(3, committed.size());

        // budgets from "nothing more fits" to "full in the middle of the flushes and merges of many small commits"
        PrintStream stderr = System.err;
        for (long budget : new long[] {0, 600, 5_000, 20_000, 60_000}) {
            VectorStore.opener = dir -> new FullDisk(FSDirectory.open(dir), budget, false);
            ByteArrayOutputStream threads = new ByteArrayOutputStream();
            CliRunner r;
            System.setErr(new PrintStream(threads, true, StandardCharsets.UTF_8));
            try {
                r = CliRunner.run(
                        "index",
                        "--model",
                        VIT,
                        "--index",
                        index.toString(),
                        "--commit-every",
                        "1",
                        first.toString(),
                        more.toString());
            } finally {
                System.setErr(stderr);
                realDisk();
            }
            String where = "budget " + budget + ": " + r.err();
            if (r.code() != 0) {
                assertEquals(1, r.code(), where);
                r.assertOneLineError(index + ": disk full");
            }
            assertFalse(
                    threads.toString(StandardCharsets.UTF_8).contains("\tat "), "a stack trace on stderr: " + threads);
            // the index opens, at a commit holding at least what the first run committed
            Map<String, VectorStore.Entry> now = entries(index);
            assertTrue(now.keySet().containsAll(committed), where + now.keySet());
            try (VectorStore store = VectorStore.openForReading(index)) {
                for (String p : now.keySet()) assertTrue(store.vectorOfPath(p).isPresent(), p);
            }
        }
        // with room again, the same command completes the index
        CliRunner done =
                CliRunner.run("index", "--model", VIT, "--index", index.toString(), first.toString(), more.toString());
        assertEquals(0, done.code(), done.err());
        assertEquals(17, entries(index).size());
    }

    /** The disk fills exactly when a background merge writes: no stack trace from the merge thread. */
    @Test
    void aMergeThatRunsOutOfSpaceIsSilent() throws Exception {
        Path images = tmp.resolve("many"), index = tmp.resolve("merging");
        TestImages.shapeFolder(images, 16, 4, 32);
        boolean[] merged = {false};
        VectorStore.opener = dir -> new FullDisk(FSDirectory.open(dir), 0, true) {
            @Override
            public IndexOutput createOutput(String name, IOContext context) throws IOException {
                if (context.context() == IOContext.Context.MERGE) merged[0] = true;
                return super.createOutput(name, context);
            }

            @Override
            public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
                if (context.context() == IOContext.Context.MERGE) merged[0] = true;
                return super.createTempOutput(prefix, suffix, context);
            }
        };
        PrintStream stderr = System.err;
        ByteArrayOutputStream threads = new ByteArrayOutputStream();
        CliRunner r;
        System.setErr(new PrintStream(threads, true, StandardCharsets.UTF_8));
        try {
            r = CliRunner.run(
                    "index", "--model", VIT, "--index", index.toString(), "--commit-every", "1", images.toString());
            Thread.sleep(500); // a merge thread that would print does so right after its failure
        } finally {
            System.setErr(stderr);
        }
        assertTrue(merged[0], "the many one-image commits should have started a merge");
        assertTrue(r.code() == 0 || r.err().contains("disk full"), r.err());
        assertFalse(threads.toString(StandardCharsets.UTF_8).contains("\tat "), "a stack trace on stderr: " + threads);
        realDisk();
        assertEquals(r.code() == 0 ? 16 : entries(index).size(), entries(index).size());
    }

    @Test
    void nothingFitsAtAll() throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("fresh");
        TestImages.shapeFolder(images, 2, 3, 40);
        VectorStore.opener = dir -> new FullDisk(FSDirectory.open(dir), 0, false);
        CliRunner r = CliRunner.run("index", "--model", VIT, "--index", index.toString(), images.toString());
        assertEquals(1, r.code(), r.err());
        r.assertOneLineError(index + ": disk full");
    }
}
