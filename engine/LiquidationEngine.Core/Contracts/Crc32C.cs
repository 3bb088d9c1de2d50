using System.Buffers.Binary;
using System.Numerics;

namespace LiquidationEngine.Contracts;

/// <summary>CRC-32C (Castagnoli, the iSCSI/ext4 polynomial), reflected, initial value and final XOR 0xFFFFFFFF: the one
/// checksum of every format the engine writes (journal records, snapshots, gateway frames, binary tick files).</summary>
/// <remarks>Uses <see cref="BitOperations.Crc32C(uint, ulong)"/>, the SSE4.2 / ARMv8 instruction where present, 8 bytes
/// at a time. <c>System.IO.Hashing</c> has CRC-32 (IEEE) but not CRC-32C, so it is ours.</remarks>
public static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>; <c>"123456789"</c> gives <c>0xE3069283</c>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    /// <summary>Continues a running (not yet finalised) CRC over <paramref name="data"/>. Start from <c>~0u</c> and
    /// finalise with <c>~</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
