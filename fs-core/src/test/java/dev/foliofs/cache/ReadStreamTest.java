package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadStreamTest {
    private static final long WINDOW = 1 << 20;
    private static final long K128 = 128 << 10;
    private static final long LIMIT = 64L << 20;

    @Test
    void aReadFromTheStartReadsAWindowAheadThenTopsUpOnlyWhenLessThanHalfIsLeft() {
        ReadStream s = new ReadStream();
        assertThat(s.next(0, K128, WINDOW, LIMIT)).isEqualTo(new ReadStream.Range(K128, K128 + WINDOW));
        long end = K128;
        int starts = 0;
        for (long off = K128; off < 8 * WINDOW; off += K128) {
            ReadStream.Range r = s.next(off, off + K128, WINDOW, LIMIT);
            if (r != null) {
                starts++;
                assertThat(r.from()).as("continues where the last one ended").isEqualTo(end + WINDOW);
                assertThat(r.to()).isEqualTo(off + K128 + WINDOW);
                end = r.to() - WINDOW;
            }
        }
        assertThat(starts).as("about one start per half window").isBetween(12, 16);
    }

    @Test
    void readsServedOutOfOrderInsideTheWindowStaySequential() {
        ReadStream s = new ReadStream();
        s.next(0, K128, WINDOW, LIMIT);
        assertThat(s.next(3 * K128, 4 * K128, WINDOW, LIMIT)).isNull(); // ahead of the one before it
        assertThat(s.next(K128, 2 * K128, WINDOW, LIMIT)).isNull();
        assertThat(s.next(7 * K128, 8 * K128, WINDOW, LIMIT)).isNotNull();
    }

    @Test
    void randomReadsStartNothingAndTheEndOfTheFileStopsTheWindow() {
        ReadStream s = new ReadStream();
        assertThat(s.next(40 << 20, (40 << 20) + 4096, WINDOW, LIMIT)).isNull();
        assertThat(s.next(3 << 20, (3 << 20) + 4096, WINDOW, LIMIT)).isNull();
        ReadStream t = new ReadStream();
        assertThat(t.next(0, K128, WINDOW, 3 * K128)).isEqualTo(new ReadStream.Range(K128, 3 * K128));
        assertThat(t.next(K128, 2 * K128, WINDOW, 3 * K128)).isNull();
    }
}
