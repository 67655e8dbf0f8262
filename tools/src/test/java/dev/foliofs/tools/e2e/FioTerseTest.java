package dev.foliofs.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FioTerseTest {

    @Test
    void a_terse_v3_line_gives_bandwidth_and_iops_of_reads_and_writes() {
        StringBuilder line = new StringBuilder("3;fio-3.33;seq-1m;0;0;65536;402061;392;163");
        for (int field = 10; field <= 46; field++) {
            line.append(";0");
        }
        line.append(";65536;106045;103;618;0;0");
        Fio.Result r = Fio.parse("some banner\n" + line + "\n").get(0);

        assertThat(r.job()).isEqualTo("seq-1m");
        assertThat(r.error()).isZero();
        assertThat(r.readKiB()).isEqualTo(65536);
        assertThat(r.readKiBps()).isEqualTo(402061);
        assertThat(r.readIops()).isEqualTo(392);
        assertThat(r.writeKiB()).isEqualTo(65536);
        assertThat(r.writeKiBps()).isEqualTo(106045);
        assertThat(r.writeIops()).isEqualTo(103);
    }
}
