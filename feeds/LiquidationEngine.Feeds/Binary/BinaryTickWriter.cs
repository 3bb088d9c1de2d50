using System.Buffers.Binary;
using System.Text;

using LiquidationEngine.Contracts;

namespace LiquidationEngine.Feeds;

/// <summary>Writes <see cref="FeedRecord"/>s in the engine's binary tick format (see <see cref="BinaryTickFormat"/>).</summary>
/// <remarks>
/// <para>Streaming: records go through a 64 KiB buffer. Symbols given to the constructor are in the header; a symbol
/// first met later is added by a symbol-definition record just before its first use.</para>
/// <para>Call <see cref="Complete"/> to write the end marker. Disposing without it flushes the records written so far
/// but no end marker, so a reader reports the file as truncated instead of taking a partial file for a whole one.</para>
/// <para>The writer refuses what the readers would reject: records out of timestamp order, a mark price ≤ 0,
/// a symbol longer than <see cref="BinaryTickFormat.MaxSymbolBytes"/> UTF-8 bytes.</para>
/// </remarks>
public sealed class BinaryTickWriter : IDisposable
{
    /// <summary>The destination.</summary>
    private readonly Stream _output;

    /// <summary>Whether <see cref="Dispose"/> leaves <see cref="_output"/> open.</summary>
    private readonly bool _leaveOpen;

    /// <summary>Records not yet written to <see cref="_output"/>: [0, <see cref="_used"/>).</summary>
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>Symbol → index in the file's symbol table.</summary>
    private readonly Dictionary<string, ushort> _indices = new(StringComparer.Ordinal);

    /// <summary>Bytes used in <see cref="_buffer"/>.</summary>
    private int _used;

    /// <summary>The symbol of the previous record (reference), to skip the dictionary for runs of one symbol.</summary>
    private string? _lastSymbol;

    /// <summary>Index of <see cref="_lastSymbol"/>.</summary>
    private ushort _lastIndex;

    /// <summary>Timestamp of the previous record, µs.</summary>
    private long _lastTimestampUs = long.MinValue;

    private bool _completed;
    private bool _disposed;

    /// <summary>Starts a file on <paramref name="output"/> and writes its header.</summary>
    /// <param name="output">Destination stream (wrap it in a GZipStream to compress; the readers detect gzip).</param>
    /// <param name="headerSymbols">Symbols to put in the header's table (duplicates ignored); others are added as met.</param>
    /// <param name="leaveOpen">Leave <paramref name="output"/> open when the writer is disposed.</param>
    public BinaryTickWriter(Stream output, IEnumerable<string>? headerSymbols = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
        string[] symbols = headerSymbols?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (symbols.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"At most {ushort.MaxValue} header symbols.", nameof(headerSymbols));
        }

        int size = BinaryTickFormat.FixedHeaderSize + 4;
        foreach (string symbol in symbols)
        {
            ArgumentNullException.ThrowIfNull(symbol, nameof(headerSymbols));
            size += 1 + BinaryTickFormat.SymbolByteCount(symbol);
        }

        byte[] header = new byte[size];
        BinaryTickFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), BinaryTickFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), BinaryTickFormat.RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)symbols.Length);
        int offset = BinaryTickFormat.FixedHeaderSize;
        foreach (string symbol in symbols)
        {
            int length = Encoding.UTF8.GetBytes(symbol, header.AsSpan(offset + 1));
            header[offset] = (byte)length;
            offset += 1 + length;
            _indices.Add(symbol, (ushort)_indices.Count);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(offset), Crc32C.Compute(header.AsSpan(0, offset)));
        _output.Write(header);
        BytesWritten = header.Length;
    }

    /// <summary>Mark and settlement records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Bytes written so far, header and buffered records included.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Appends one record.</summary>
    /// <exception cref="ArgumentException">The record is older than the previous one, its mark is not positive
    /// (zero is allowed for a settlement), its kind is unknown, or its symbol cannot be stored.</exception>
    public void Write(in FeedRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The file is complete: nothing can be written after Complete().");
        }

        byte kind = record.Kind switch
        {
            FeedRecordKind.MarkPrice when record.Mark.Raw > 0 => BinaryTickFormat.KindMark,
            FeedRecordKind.FundingSettlement when record.Mark.Raw >= 0 => BinaryTickFormat.KindSettlement,
            FeedRecordKind.MarkPrice or FeedRecordKind.FundingSettlement =>
                throw new ArgumentException($"Record at {record.File}:{record.Line} has an invalid mark {record.Mark}.", nameof(record)),
            _ => throw new ArgumentException($"Unknown record kind {record.Kind}.", nameof(record)),
        };

        if (record.TimestampUs < _lastTimestampUs)
        {
            throw new ArgumentException(
                $"Record at {record.File}:{record.Line} ({record.TimestampUs} µs) is older than the previous one ({_lastTimestampUs} µs).",
                nameof(record));
        }

        ushort index = IndexOf(record.Symbol);
        _lastTimestampUs = record.TimestampUs;
        Append(kind, 0, index, record.TimestampUs, record.Mark.Raw, record.FundingRate.Raw);
        RecordsWritten++;
    }

    /// <summary>Writes the end marker and flushes. The file is then whole; nothing more can be written.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        Append(BinaryTickFormat.KindEnd, 0, 0, RecordsWritten, 0, 0);
        _completed = true;
        FlushBuffer();
        _output.Flush();
    }

    /// <summary>Flushes what was written (without an end marker unless <see cref="Complete"/> was called) and,
    /// unless asked to leave it open, disposes the stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            FlushBuffer();
            _output.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }
    }

    /// <summary>Index of <paramref name="symbol"/>, adding it with a symbol-definition record the first time.</summary>
    private ushort IndexOf(string symbol)
    {
        if (ReferenceEquals(symbol, _lastSymbol))
        {
            return _lastIndex;
        }

        ArgumentNullException.ThrowIfNull(symbol);
        if (!_indices.TryGetValue(symbol, out ushort index))
        {
            int length = BinaryTickFormat.SymbolByteCount(symbol);
            if (_indices.Count >= BinaryTickFormat.MaxSymbols)
            {
                throw new ArgumentException($"A file holds at most {BinaryTickFormat.MaxSymbols} symbols.", nameof(symbol));
            }

            index = (ushort)_indices.Count;
            Span<byte> name = stackalloc byte[BinaryTickFormat.MaxSymbolBytes];
            name.Clear();
            Encoding.UTF8.GetBytes(symbol, name);
            Span<byte> record = ReserveRecord();
            name.CopyTo(record[8..]);
            record[0] = BinaryTickFormat.KindSymbolDefinition;
            record[1] = (byte)length;
            BinaryPrimitives.WriteUInt16LittleEndian(record[2..], index);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], BinaryTickFormat.RecordCrc(record));
            _indices.Add(symbol, index);
        }

        _lastSymbol = symbol;
        _lastIndex = index;
        return index;
    }

    private void Append(byte kind, byte nameLength, ushort index, long timestampUs, long priceRaw, long rateRaw)
        => BinaryTickFormat.WriteRecord(ReserveRecord(), kind, nameLength, index, timestampUs, priceRaw, rateRaw);

    /// <summary>The next 32 bytes of the buffer, flushing it first when full.</summary>
    private Span<byte> ReserveRecord()
    {
        if (_used == _buffer.Length)
        {
            FlushBuffer();
        }

        Span<byte> record = _buffer.AsSpan(_used, BinaryTickFormat.RecordSize);
        _used += BinaryTickFormat.RecordSize;
        BytesWritten += BinaryTickFormat.RecordSize;
        return record;
    }

    private void FlushBuffer()
    {
        if (_used > 0)
        {
            _output.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
