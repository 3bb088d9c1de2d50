using System.Buffers.Binary;
using System.Text;

using LiquidationEngine.Contracts;

namespace LiquidationEngine.Feeds;

/// <summary>Layout of the engine's binary tick format ("LQTK", version 1); docs/FEEDS.md describes it byte by byte.</summary>
/// <remarks>
/// <para>Header: magic <c>LQTK</c>, u16 version, u16 record size (32), u16 symbol count, u16 reserved (0), then per
/// symbol a u8 length and that many UTF-8 bytes, then a u32 CRC-32C of all header bytes before it.</para>
/// <para>Records, 32 bytes, little-endian: u8 kind, u8 name length (symbol definitions only), u16 symbol index,
/// u32 CRC-32C of the other 28 bytes (0..3 then 8..31), i64 timestamp µs, i64 price raw (1e-8), i64 rate raw (1e-10).
/// Kinds: 1 mark, 2 funding settlement, 3 symbol definition (adds a symbol after the header; its name fills bytes
/// 8..31), 255 end (timestamp field = number of mark and settlement records). A file without the end record is
/// truncated.</para>
/// </remarks>
public static class BinaryTickFormat
{
    /// <summary>Current format version.</summary>
    public const ushort Version = 1;

    /// <summary>Size of every record, bytes.</summary>
    public const int RecordSize = 32;

    /// <summary>Longest symbol, in UTF-8 bytes (a symbol definition record carries it in 24 bytes).</summary>
    public const int MaxSymbolBytes = 24;

    /// <summary>Most symbols a file can hold (the index is a u16).</summary>
    public const int MaxSymbols = ushort.MaxValue + 1;

    /// <summary>Size of the fixed part of the header, before the symbol table.</summary>
    internal const int FixedHeaderSize = 12;

    /// <summary>Record kind byte: a mark price.</summary>
    internal const byte KindMark = 1;

    /// <summary>Record kind byte: a funding settlement.</summary>
    internal const byte KindSettlement = 2;

    /// <summary>Record kind byte: a symbol added after the header.</summary>
    internal const byte KindSymbolDefinition = 3;

    /// <summary>Record kind byte: the end marker.</summary>
    internal const byte KindEnd = 255;

    /// <summary>The magic bytes every file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "LQTK"u8;

    /// <summary>True when <paramref name="head"/> starts with <see cref="Magic"/>.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    /// <summary>The CRC of a 32-byte record: CRC-32C over bytes 0..3 then 8..31 (the CRC field itself excluded).</summary>
    internal static uint RecordCrc(ReadOnlySpan<byte> record)
        => ~Crc32C.Append(Crc32C.Append(~0u, record[..4]), record[8..RecordSize]);

    /// <summary>Fills <paramref name="record"/> (32 bytes) and its CRC.</summary>
    internal static void WriteRecord(Span<byte> record, byte kind, byte nameLength, ushort symbolIndex, long timestampUs, long priceRaw, long rateRaw)
    {
        record[0] = kind;
        record[1] = nameLength;
        BinaryPrimitives.WriteUInt16LittleEndian(record[2..], symbolIndex);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], timestampUs);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], priceRaw);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], rateRaw);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], RecordCrc(record));
    }

    /// <summary>Number of UTF-8 bytes of <paramref name="symbol"/> or throws when it cannot be stored.</summary>
    internal static int SymbolByteCount(string symbol)
    {
        int count = Encoding.UTF8.GetByteCount(symbol);
        if (count is 0 or > MaxSymbolBytes)
        {
            throw new ArgumentException($"Symbol '{symbol}' must be 1..{MaxSymbolBytes} UTF-8 bytes to be stored in the binary tick format.", nameof(symbol));
        }

        return count;
    }
}
