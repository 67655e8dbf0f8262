package dev.foliofs.tools.fsx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileModelTest {

    private static byte[] bytes(int length, int value) {
        byte[] data = new byte[length];
        java.util.Arrays.fill(data, (byte) value);
        return data;
    }

    @Test
    void a_new_file_is_empty_and_reads_zeros() {
        FileModel model = new FileModel();
        assertThat(model.size()).isZero();
        assertThat(model.read(0, 100)).containsOnly(0);
    }

    @Test
    void a_write_reads_back_and_a_write_past_the_end_grows_the_file_over_a_zero_gap() {
        FileModel model = new FileModel();
        model.write(10, bytes(5, 7));
        assertThat(model.size()).isEqualTo(15);
        assertThat(model.read(0, 15)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 7, 7, 7);
    }

    @Test
    void a_write_across_chunk_boundaries_reads_back_in_one_piece() {
        FileModel model = new FileModel();
        byte[] data = WritePattern.data(1, FileModel.CHUNK - 3, 2 * FileModel.CHUNK + 6);
        model.write(FileModel.CHUNK - 3, data);
        assertThat(model.read(FileModel.CHUNK - 3, data.length)).isEqualTo(data);
        assertThat(model.size()).isEqualTo(3L * FileModel.CHUNK + 3);
    }

    @Test
    void truncate_down_then_up_exposes_zeros_not_the_old_data() {
        FileModel model = new FileModel();
        model.write(0, bytes(3 * FileModel.CHUNK, 9));
        model.truncate(100);
        assertThat(model.size()).isEqualTo(100);
        model.truncate(3L * FileModel.CHUNK);
        assertThat(model.read(0, 100)).containsOnly(9);
        assertThat(model.read(100, 3 * FileModel.CHUNK - 100)).containsOnly(0);
        assertThat(model.chunkCount()).as("whole chunks past the size are dropped").isEqualTo(1);
    }

    @Test
    void fallocate_keeps_data_and_grows_the_size_unless_keep_size() {
        FileModel model = new FileModel();
        model.write(0, bytes(10, 5));
        model.allocate(5, 100, false, true);
        assertThat(model.size()).isEqualTo(10);
        model.allocate(5, 100, false, false);
        assertThat(model.size()).isEqualTo(105);
        assertThat(model.read(0, 10)).containsOnly(5);
        assertThat(model.read(10, 95)).containsOnly(0);
    }

    @Test
    void punch_hole_zeros_inside_the_size_and_keeps_the_size() {
        FileModel model = new FileModel();
        model.write(0, bytes(20, 3));
        model.punchHole(5, 100);
        assertThat(model.size()).isEqualTo(20);
        assertThat(model.read(0, 5)).containsOnly(3);
        assertThat(model.read(5, 15)).containsOnly(0);
    }

    @Test
    void zero_range_zeros_and_grows_the_size_unless_keep_size() {
        FileModel model = new FileModel();
        model.write(0, bytes(20, 3));
        model.allocate(10, 5, true, true);
        assertThat(model.read(0, 20)).containsExactly(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3);
        model.allocate(15, 30, true, false);
        assertThat(model.size()).isEqualTo(45);
        assertThat(model.read(10, 35)).containsOnly(0);
    }

    @Test
    void a_large_sparse_file_costs_only_the_chunks_written() {
        FileModel model = new FileModel();
        model.write(1L << 40, bytes(10, 1));
        assertThat(model.size()).isEqualTo((1L << 40) + 10);
        assertThat(model.chunkCount()).isEqualTo(1);
        assertThat(model.read((1L << 40) - 5, 10)).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    }
}
