using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;
using LiquidationEngine.Numerics;

using LiquidationEngine.Contracts;

namespace LiquidationEngine.Feeds;

/// <summary>Reads the engine's binary tick format (see <see cref="BinaryTickFormat"/>), plain or gzip.</summary>
/// <remarks>
/// <para><see cref="FeedRecord.Line"/> is the 1-based record number after the header (symbol definitions and the end
/// marker count too); errors about the header use line 0.</para>
/// <para>A record whose CRC does not match is reported as <see cref="FeedErrorKind.CorruptInput"/> and skipped (records
/// have a fixed size, so reading resumes at the next one). A file that ends without its end marker, or in the middle of
/// a record, is reported as <see cref="FeedErrorKind.TruncatedInput"/>. Stored symbols go through the symbol map like
/// venue symbols do (a configured map accepts its own instrument symbols).</para>
/// </remarks>
public sealed class BinaryTickReader : FeedReader
{
    /// <summary>Symbol table: the instrument symbol per index, null when the map does not know it.</summary>
    private readonly List<string?> _symbols = [];

    /// <summary>The stored names, for messages.</summary>
    private readonly List<string> _storedNames = [];

    /// <summary>The current record.</summary>
    private readonly byte[] _record = new byte[BinaryTickFormat.RecordSize];

    private bool _headerRead;

    /// <summary>The end marker was read: only the end of the input may follow.</summary>
    private bool _ended;

    /// <summary>Records read after the header (all kinds).</summary>
    private long _recordNumber;

    /// <summary>Mark and settlement records read (valid CRC), to check against the end marker's count.</summary>
    private long _dataRecords;

    /// <summary>Records skipped for a CRC mismatch (their kind is unknown, so the end count allows for them).</summary>
    private long _damagedRecords;

    /// <summary>Reads a binary tick file from <paramref name="stream"/> (plain or gzip).</summary>
    /// <param name="stream">The file.</param>
    /// <param name="file">Name used in records and errors.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public BinaryTickReader(Stream stream, string file, FeedReaderOptions? options = null, bool leaveOpen = false)
        : this(new FeedInput(stream, file, leaveOpen), options)
    {
    }

    internal BinaryTickReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
    {
    }

    private protected override long CurrentLine => _recordNumber;

    /// <summary>Opens a binary tick file (plain or gzip).</summary>
    public static BinaryTickReader Open(string path, FeedReaderOptions? options = null)
        => new(System.IO.File.OpenRead(path), path, options);

    private protected override bool ReadNext()
    {
        if (!_headerRead)
        {
            _headerRead = true;
            return ReadHeader();
        }

        Span<byte> record = _record;
        int n = Input.ReadBlock(record);
        if (n == 0)
        {
            if (!_ended && Input.FailureKind is null)
            {
                Reject(FeedErrorKind.TruncatedInput, _recordNumber + 1, $"file ends after {_recordNumber} records without its end marker");
            }

            return false;
        }

        _recordNumber++;
        CountLineRead();
        if (_ended)
        {
            Reject(FeedErrorKind.CorruptInput, _recordNumber, "data after the end marker");
            return false;
        }

        if (n < BinaryTickFormat.RecordSize)
        {
            if (Input.FailureKind is null)
            {
                Reject(FeedErrorKind.TruncatedInput, _recordNumber, $"last record is cut: {n} of {BinaryTickFormat.RecordSize} bytes");
            }

            return false;
        }

        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
        if (storedCrc != BinaryTickFormat.RecordCrc(record))
        {
            _damagedRecords++;
            Reject(FeedErrorKind.CorruptInput, _recordNumber, "record CRC-32C does not match: the record is damaged and skipped");
            return true;
        }

        byte kind = record[0];
        ushort index = BinaryPrimitives.ReadUInt16LittleEndian(record[2..]);
        long timestampUs = BinaryPrimitives.ReadInt64LittleEndian(record[8..]);
        switch (kind)
        {
            case BinaryTickFormat.KindMark:
            case BinaryTickFormat.KindSettlement:
                _dataRecords++;
                ReadTick(kind, index, timestampUs, record);
                return true;

            case BinaryTickFormat.KindSymbolDefinition:
                CountSkipped();
                DefineSymbol(index, record);
                return true;

            case BinaryTickFormat.KindEnd:
                _ended = true;
                CountSkipped();
                if (timestampUs < _dataRecords || timestampUs > _dataRecords + _damagedRecords)
                {
                    Reject(FeedErrorKind.CorruptInput, _recordNumber, $"end marker counts {timestampUs} records but the file holds {_dataRecords}");
                }

                return true;

            default:
                Reject(FeedErrorKind.CorruptInput, _recordNumber, $"unknown record kind {kind}");
                return true;
        }
    }

    private void ReadTick(byte kind, ushort index, long timestampUs, ReadOnlySpan<byte> record)
    {
        if (index >= _symbols.Count)
        {
            Reject(FeedErrorKind.CorruptInput, _recordNumber, $"symbol index {index} is not defined (the table has {_symbols.Count})");
            return;
        }

        string? symbol = _symbols[index];
        if (symbol is null)
        {
            Reject(FeedErrorKind.UnknownSymbol, _recordNumber, $"symbol '{_storedNames[index]}' is not in the symbol map");
            return;
        }

        var mark = new Price(BinaryPrimitives.ReadInt64LittleEndian(record[16..]));
        var rate = new Rate(BinaryPrimitives.ReadInt64LittleEndian(record[24..]));
        bool isMark = kind == BinaryTickFormat.KindMark;
        if (mark.Raw < 0 || (isMark && mark.Raw == 0))
        {
            Reject(FeedErrorKind.InvalidPrice, _recordNumber, $"price {mark} is {(mark.Raw == 0 ? "zero" : "negative")}");
            return;
        }

        if (!AcceptTimestamp(timestampUs, _recordNumber))
        {
            return;
        }

        Queue.Insert(isMark
            ? FeedRecord.MarkPrice(timestampUs, symbol, mark, File, _recordNumber)
            : FeedRecord.FundingSettlement(timestampUs, symbol, mark, rate, File, _recordNumber));
    }

    private void DefineSymbol(ushort index, ReadOnlySpan<byte> record)
    {
        int length = record[1];
        if (index != _symbols.Count || length is 0 or > BinaryTickFormat.MaxSymbolBytes)
        {
            Reject(FeedErrorKind.CorruptInput, _recordNumber, $"bad symbol definition (index {index}, expected {_symbols.Count}; name length {length})");
            return;
        }

        if (!AddSymbol(record.Slice(8, length)))
        {
            Reject(FeedErrorKind.CorruptInput, _recordNumber, "symbol definition name is not valid UTF-8");
        }
    }

    /// <summary>Reads and checks the header; false when the file cannot be read further.</summary>
    private bool ReadHeader()
    {
        Span<byte> fixedPart = stackalloc byte[BinaryTickFormat.FixedHeaderSize];
        int n = Input.ReadBlock(fixedPart);
        if (n == 0)
        {
            return false; // empty file (or a failed gzip): reported at the end of input
        }

        CountDataLine();
        if (n < BinaryTickFormat.Magic.Length && BinaryTickFormat.Magic.StartsWith(fixedPart[..n]))
        {
            return FailHeader(FeedErrorKind.TruncatedInput, "header is cut");
        }

        if (!BinaryTickFormat.HasMagic(fixedPart[..n]))
        {
            return FailHeader(FeedErrorKind.CorruptInput, "not a binary tick file: it does not start with the magic 'LQTK'");
        }

        if (n < BinaryTickFormat.FixedHeaderSize)
        {
            return FailHeader(FeedErrorKind.TruncatedInput, "header is cut");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[4..]);
        ushort recordSize = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[6..]);
        int symbolCount = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]);
        if (version != BinaryTickFormat.Version || recordSize != BinaryTickFormat.RecordSize)
        {
            return FailHeader(FeedErrorKind.CorruptInput, $"unsupported version {version} / record size {recordSize} (this reader reads version {BinaryTickFormat.Version}, {BinaryTickFormat.RecordSize}-byte records)");
        }

        uint crc = Crc32C.Append(~0u, fixedPart);
        Span<byte> name = stackalloc byte[1 + BinaryTickFormat.MaxSymbolBytes];
        for (int i = 0; i < symbolCount; i++)
        {
            if (Input.ReadBlock(name[..1]) < 1)
            {
                return FailHeader(FeedErrorKind.TruncatedInput, "header is cut in its symbol table");
            }

            int length = name[0];
            if (length is 0 or > BinaryTickFormat.MaxSymbolBytes)
            {
                return FailHeader(FeedErrorKind.CorruptInput, $"symbol {i} has length {length}, outside 1..{BinaryTickFormat.MaxSymbolBytes}");
            }

            if (Input.ReadBlock(name.Slice(1, length)) < length)
            {
                return FailHeader(FeedErrorKind.TruncatedInput, "header is cut in its symbol table");
            }

            crc = Crc32C.Append(crc, name[..(1 + length)]);
            if (!AddSymbol(name.Slice(1, length)))
            {
                return FailHeader(FeedErrorKind.CorruptInput, $"symbol {i} is not valid UTF-8");
            }
        }

        Span<byte> storedCrc = stackalloc byte[4];
        if (Input.ReadBlock(storedCrc) < 4)
        {
            return FailHeader(FeedErrorKind.TruncatedInput, "header is cut before its CRC");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(storedCrc) != ~crc)
        {
            return FailHeader(FeedErrorKind.CorruptInput, "header CRC-32C does not match: the header is damaged");
        }

        return true;
    }

    /// <summary>Decodes a stored symbol and maps it; false when it is not UTF-8.</summary>
    private bool AddSymbol(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[BinaryTickFormat.MaxSymbolBytes];
        if (Utf8.ToUtf16(utf8, chars, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return false;
        }

        string stored = new(chars[..written]);
        _storedNames.Add(stored);
        _symbols.Add(Options.Symbols.TryMap(stored, out string? instrument) ? instrument : null);
        return true;
    }

    private bool FailHeader(FeedErrorKind kind, string message)
    {
        if (Input.FailureKind is null)
        {
            Reject(kind, 0, message);
        }

        return false;
    }
}
