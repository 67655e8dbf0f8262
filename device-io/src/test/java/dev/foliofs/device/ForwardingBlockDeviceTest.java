package dev.foliofs.device;

/** A forwarding device that overrides nothing keeps the whole device contract of what it wraps. */
class ForwardingBlockDeviceTest extends BlockDeviceContractTest {

    @Override
    BlockDevice newDevice(long size) {
        return new ForwardingBlockDevice(MemoryBlockDevice.ofSize(size)) { };
    }
}
