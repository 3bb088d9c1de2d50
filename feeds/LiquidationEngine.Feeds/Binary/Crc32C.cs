using System.Buffers.Binary;
using System.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>CRC-32C (Castagnoli, the iSCSI/ext4 polynomial), initial value and final XOR 0xFFFFFFFF, over bytes in order.
/// Uses <see cref="BitOperations.Crc32C(uint, ulong)"/> (SSE4.2 / ARMv8 instruction where present).</summary>
internal static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>; "123456789" gives 0xE3069283.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    /// <summary>Continues a running (not yet finalised) CRC over <paramref name="data"/>.</summary>
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
