using System.Buffers.Binary;
using System.Text;

using LiquidationEngine.Contracts;

namespace LiquidationEngine.Tests.Feeds;

/// <summary>Builds binary tick files byte by byte from the layout in docs/FEEDS.md, independently of the writer, with a
/// plain bitwise CRC-32C, so the tests check the documented format rather than the code against itself.</summary>
internal sealed class LqtkBytes
{
    private readonly List<byte> _bytes = [];

    public static LqtkBytes WithHeader(params string[] symbols)
    {
        var file = new LqtkBytes();
        var header = new List<byte>();
        header.AddRange("LQTK"u8.ToArray());
        header.AddRange(U16(1));
        header.AddRange(U16(32));
        header.AddRange(U16((ushort)symbols.Length));
        header.AddRange(U16(0));
        foreach (string symbol in symbols)
        {
            byte[] name = Encoding.UTF8.GetBytes(symbol);
            header.Add((byte)name.Length);
            header.AddRange(name);
        }

        header.AddRange(U32(Crc32C([.. header])));
        file._bytes.AddRange(header);
        return file;
    }

    /// <summary>Reference CRC-32C: reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF, one bit at a time.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A 32-byte record: kind, name length, symbol index, CRC (of bytes 0..3 and 8..31), timestamp, price, rate.</summary>
    public static byte[] Record(byte kind, ushort symbol, long timestampUs, long priceRaw, long rateRaw, byte nameLength = 0, byte[]? payload = null)
    {
        byte[] record = new byte[32];
        record[0] = kind;
        record[1] = nameLength;
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(2), symbol);
        if (payload is not null)
        {
            payload.CopyTo(record, 8);
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8), timestampUs);
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(16), priceRaw);
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(24), rateRaw);
        }

        byte[] covered = [.. record.AsSpan(0, 4), .. record.AsSpan(8, 24)];
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32C(covered));
        return record;
    }

    public LqtkBytes Mark(ushort symbol, long timestampUs, long priceRaw) => Add(Record(1, symbol, timestampUs, priceRaw, 0));

    public LqtkBytes Settlement(ushort symbol, long timestampUs, long priceRaw, long rateRaw) => Add(Record(2, symbol, timestampUs, priceRaw, rateRaw));

    public LqtkBytes Define(ushort index, string symbol)
    {
        byte[] name = Encoding.UTF8.GetBytes(symbol);
        byte[] payload = new byte[24];
        name.CopyTo(payload, 0);
        return Add(Record(3, index, 0, 0, 0, (byte)name.Length, payload));
    }

    public LqtkBytes End(long count) => Add(Record(255, 0, count, 0, 0));

    public LqtkBytes Add(byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private static byte[] U16(ushort value)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return b;
    }

    private static byte[] U32(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }
}
