package dev.foliofs.fuse.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import dev.foliofs.cache.DataOptions;
import dev.foliofs.device.DeviceIo;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

    @Test
    void defaultsAreTheOptionsThatMatterForSpeedAndCorrectness() {
        MountOptions o = MountOptions.parse("/dev/vdb", List.of());
        assertThat(o.fuseArgs()).containsExactly("-o",
                "big_writes,max_write=131072,use_ino,attr_timeout=1,entry_timeout=60,negative_timeout=60,"
                        + "default_permissions,fsname=/dev/vdb,subtype=foliofs,hard_remove");
        assertThat(o.readOnly()).isFalse();
        assertThat(o.data()).isEqualTo(DataOptions.defaults());
        assertThat(o.metrics()).contains(new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void dashOOverridesADefaultAndAddsOptionsInOrder() {
        MountOptions o = MountOptions.parse("img", List.of("max_write=65536,allow_other", "attr_timeout=5"));
        assertThat(o.fuse()).containsEntry("max_write", "65536").containsEntry("attr_timeout", "5")
                .containsKey("allow_other");
        assertThat(o.fuseArgs()[1]).startsWith("big_writes,max_write=65536,").endsWith(",allow_other");
    }

    @Test
    void aDefaultIsSwitchedOffWithNo() {
        MountOptions o = MountOptions.parse("img", List.of("nohard_remove"));
        assertThat(o.fuse()).doesNotContainKey("hard_remove");
    }

    @Test
    void ourOwnOptionsAreNotPassedToFuse() {
        MountOptions o = MountOptions.parse("img", List.of("ro,dax,cache_size=256M,writeback_age=5,metrics=127.0.0.1:9100"));
        assertThat(o.readOnly()).isTrue();
        assertThat(o.dax()).isTrue();
        assertThat(o.data().cacheSize()).isEqualTo(256L << 20);
        assertThat(o.metrics()).contains(new InetSocketAddress("127.0.0.1", 9100));
        assertThat(o.data().writebackAge()).hasSeconds(5);
        assertThat(o.fuse()).doesNotContainKeys("dax", "cache_size", "writeback_age", "metrics");
        assertThat(o.fuseArgs()[1]).endsWith(",ro");
    }

    @Test
    void metricsOffServesNoEndpoint() {
        assertThat(MountOptions.parse("img", List.of("metrics=off")).metrics()).isEmpty();
    }

    @Test
    void commasInTheDeviceNameAreEscapedForLibfuse() {
        assertThat(MountOptions.parse("/tmp/a,b.img", List.of()).fuseArgs()[1])
                .contains("fsname=/tmp/a\\,b.img");
    }

    @Test
    void unknownOrMalformedOptionsAreRefusedByName() {
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("use_ino,frobnicate")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown mount option 'frobnicate'");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("max_write")))
                .hasMessage("unknown mount option 'max_write'");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("cache_size=lots")))
                .hasMessageContaining("not a valid value");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("metrics=9100")))
                .hasMessageContaining("metrics=HOST:PORT");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("big_writes=1")))
                .hasMessage("unknown mount option 'big_writes=1'");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("device_io=sometimes")))
                .hasMessage("mount option 'device_io=sometimes': expected device_io=buffered, device_io=direct or device_io=direct_reads");
        assertThatThrownBy(() -> MountOptions.parse("img", List.of("cache_size=100000G")))
                .hasMessageContaining("cache_size=102400000M plus dirty_limit=128M exceed this machine's memory");
    }

    @Test
    void theReadRequestSizeIsOursFrom4KTo1MInWholePages() {
        assertThat(MountOptions.parse("img", List.of()).readRequestPages()).isEqualTo(256);
        MountOptions o = MountOptions.parse("img", List.of("read_request=128K"));
        assertThat(o.readRequest()).isEqualTo(128 << 10);
        assertThat(o.readRequestPages()).isEqualTo(32);
        assertThat(String.join(" ", o.fuseArgs())).doesNotContain("read_request");
        for (String bad : List.of("read_request=2M", "read_request=0", "read_request=6000", "read_request=x",
                "read_request")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MountOptions.parse("img", List.of(bad)))
                    .as(bad).hasMessageContaining(bad).hasMessageContaining("from 4K to 1M");
        }
    }

    @Test
    void theKernelReadaheadWindowIsOursNotLibfusesAndZeroLeavesTheKernelsDefault() {
        assertThat(MountOptions.parse("img", List.of()).kernelReadahead()).isEqualTo(1L << 20);
        MountOptions o = MountOptions.parse("img", List.of("kernel_readahead=4M"));
        assertThat(o.kernelReadahead()).isEqualTo(4L << 20);
        assertThat(String.join(" ", o.fuseArgs())).doesNotContain("kernel_readahead");
        assertThat(MountOptions.parse("img", List.of("kernel_readahead=0")).kernelReadahead()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MountOptions.parse("img", List.of("kernel_readahead=lots")))
                .hasMessageContaining("kernel_readahead=lots");
    }

    @Test
    void theDeviceIsReadWithODirectByDefaultAndDaxIsAlwaysBuffered() {
        assertThat(MountOptions.parse("img", List.of()).deviceIo()).isEqualTo(DeviceIo.DIRECT_READS);
        assertThat(MountOptions.parse("img", List.of("device_io=buffered")).deviceIo()).isEqualTo(DeviceIo.BUFFERED);
        assertThat(MountOptions.parse("img", List.of("device_io=buffered,device_io=direct")).deviceIo()).isEqualTo(DeviceIo.DIRECT);
        assertThat(MountOptions.parse("img", List.of("device_io=direct,dax")).deviceIo()).as("DAX maps the page cache")
                .isEqualTo(DeviceIo.BUFFERED);
        assertThat(MountOptions.parse("img", List.of("device_io=direct")).fuse()).doesNotContainKey("device_io");
    }
}
