package dev.foliofs.device;

/** The wrapper with nothing armed behaves like the device it wraps. */
class FaultInjectingDeviceContractTest extends BlockDeviceContractTest {
    @Override
    BlockDevice newDevice(long size) {
        return new FaultInjectingDevice(MemoryBlockDevice.ofSize(size));
    }
}
