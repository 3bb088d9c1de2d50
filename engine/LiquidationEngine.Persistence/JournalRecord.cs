using System.Buffers.Binary;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Persistence;

/// <summary>One journaled input: a fixed-size, little-endian record with its own CRC32C (docs/OPERATIONS.md).</summary>
/// <remarks>
/// <code>
/// offset size field
/// 0      4    record length = 88 (u32)
/// 4      8    ring sequence (i64)
/// 12     1    kind (u8)          13  1  side (i8)       14  2  asset (i16)
/// 16     4    instrument (i32)   20  4  source id (i32) 24  4  leverage (i32)
/// 28     8    account            36  8  client sequence 44  8  timestamp µs
/// 52     8    price              60  8  quantity        68  8  amount / rate
/// 76     8    aux (fee, order id, position id)
/// 84     4    CRC32C of bytes [0, 84)
/// </code>
/// </remarks>
public static class JournalRecord
{
    /// <summary>Bytes per record.</summary>
    public const int Size = 88;

    /// <summary>Writes one record.</summary>
    public static void Write(Span<byte> d, in EngineCommand c, long sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, Size);
        BinaryPrimitives.WriteInt64LittleEndian(d[4..], sequence);
        d[12] = (byte)c.Kind;
        d[13] = unchecked((byte)c.Side);
        BinaryPrimitives.WriteInt16LittleEndian(d[14..], c.Asset);
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], c.Instrument);
        BinaryPrimitives.WriteInt32LittleEndian(d[20..], c.SourceId);
        BinaryPrimitives.WriteInt32LittleEndian(d[24..], c.Leverage);
        BinaryPrimitives.WriteInt64LittleEndian(d[28..], c.Account);
        BinaryPrimitives.WriteInt64LittleEndian(d[36..], c.ClientSequence);
        BinaryPrimitives.WriteInt64LittleEndian(d[44..], c.TimestampUs);
        BinaryPrimitives.WriteInt64LittleEndian(d[52..], c.Price);
        BinaryPrimitives.WriteInt64LittleEndian(d[60..], c.Quantity);
        BinaryPrimitives.WriteInt64LittleEndian(d[68..], c.Amount);
        BinaryPrimitives.WriteInt64LittleEndian(d[76..], c.Aux);
        BinaryPrimitives.WriteUInt32LittleEndian(d[84..], Crc32C.Compute(d[..84]));
    }

    /// <summary>Reads one record; false when the length field or the CRC does not match (a torn or corrupt record).</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out EngineCommand c, out long sequence)
    {
        c = default;
        sequence = 0;
        if (s.Length < Size || BinaryPrimitives.ReadUInt32LittleEndian(s) != Size
            || BinaryPrimitives.ReadUInt32LittleEndian(s[84..]) != Crc32C.Compute(s[..84]))
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64LittleEndian(s[4..]);
        c.Kind = (CommandKind)s[12];
        c.Side = unchecked((sbyte)s[13]);
        c.Asset = BinaryPrimitives.ReadInt16LittleEndian(s[14..]);
        c.Instrument = BinaryPrimitives.ReadInt32LittleEndian(s[16..]);
        c.SourceId = BinaryPrimitives.ReadInt32LittleEndian(s[20..]);
        c.Leverage = BinaryPrimitives.ReadInt32LittleEndian(s[24..]);
        c.Account = BinaryPrimitives.ReadInt64LittleEndian(s[28..]);
        c.ClientSequence = BinaryPrimitives.ReadInt64LittleEndian(s[36..]);
        c.TimestampUs = BinaryPrimitives.ReadInt64LittleEndian(s[44..]);
        c.Price = BinaryPrimitives.ReadInt64LittleEndian(s[52..]);
        c.Quantity = BinaryPrimitives.ReadInt64LittleEndian(s[60..]);
        c.Amount = BinaryPrimitives.ReadInt64LittleEndian(s[68..]);
        c.Aux = BinaryPrimitives.ReadInt64LittleEndian(s[76..]);
        return true;
    }
}

/// <summary>The header of a journal segment file: what the engine looked like when it was written.</summary>
/// <param name="FirstSequence">Ring sequence of the segment's first record.</param>
/// <param name="PositionCapacity">Position slots the engine was created with (replays must match it).</param>
/// <param name="AccountCapacity">Accounts allocated up front.</param>
/// <param name="OpenOrderCapacity">Open liquidation orders allocated up front.</param>
/// <param name="InstrumentCount">Instruments in the catalog.</param>
/// <param name="AssetCount">Settlement assets in the catalog.</param>
/// <param name="CatalogHash"><c>CatalogFingerprint.Hash</c> over the first <paramref name="AssetCount"/> assets and
/// <paramref name="InstrumentCount"/> instruments (0 in a version-1 header, which has none).</param>
/// <remarks>Version 2 (48 bytes): magic <c>LQJN</c>, version, first sequence, the capacities, instrument and asset
/// counts, catalog hash, CRC32C of the bytes before it. Version 1 (40 bytes) lacks the catalog hash and is still read.</remarks>
public readonly record struct JournalSegmentHeader(long FirstSequence, int PositionCapacity, int AccountCapacity, int OpenOrderCapacity, int InstrumentCount, int AssetCount, ulong CatalogHash = 0)
{
    /// <summary>Header bytes of the version written now.</summary>
    public const int Size = 48;

    /// <summary>Header bytes of a version-1 segment.</summary>
    public const int LegacySize = 40;

    private const uint Magic = 0x4E4A514C; // "LQJN"
    private const uint Version = 2;

    /// <summary>The header's format version (1 or 2); records start after it.</summary>
    public int FormatVersion { get; init; } = (int)Version;

    /// <summary>Offset of the first record.</summary>
    public int RecordsStart => FormatVersion == 1 ? LegacySize : Size;

    /// <summary>Writes the header in its <see cref="FormatVersion"/> (a repair rewrites a version-1 header as one).</summary>
    public void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], (uint)FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(d[8..], FirstSequence);
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], PositionCapacity);
        BinaryPrimitives.WriteInt32LittleEndian(d[20..], AccountCapacity);
        BinaryPrimitives.WriteInt32LittleEndian(d[24..], OpenOrderCapacity);
        BinaryPrimitives.WriteInt32LittleEndian(d[28..], InstrumentCount);
        BinaryPrimitives.WriteInt32LittleEndian(d[32..], AssetCount);
        int crcAt = RecordsStart - 4;
        if (FormatVersion != 1)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(d[36..], CatalogHash);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(d[crcAt..], Crc32C.Compute(d[..crcAt]));
    }

    /// <summary>Reads a header of either version from the start of a segment; false when magic, version or CRC do
    /// not match or the bytes are too few.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out JournalSegmentHeader header)
    {
        header = default;
        if (s.Length < LegacySize || BinaryPrimitives.ReadUInt32LittleEndian(s) != Magic)
        {
            return false;
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
        int size = version == 1 ? LegacySize : Size;
        if (version is not (1 or Version) || s.Length < size
            || BinaryPrimitives.ReadUInt32LittleEndian(s[(size - 4)..]) != Crc32C.Compute(s[..(size - 4)]))
        {
            return false;
        }

        header = new JournalSegmentHeader(
            BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[20..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[28..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[32..]),
            version == 1 ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(s[36..]))
        {
            FormatVersion = (int)version,
        };
        return true;
    }

    /// <summary>The file name of a segment starting at <paramref name="firstSequence"/>; names sort in sequence order.</summary>
    public static string FileName(long firstSequence) => $"journal-{firstSequence:D20}.lqj";
}
