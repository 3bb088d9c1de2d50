using System.Diagnostics;
using System.Globalization;

namespace LiquidationEngine.Feeds;

/// <summary>Base of the file readers: streaming input, error reporting, order checks and the output queue.</summary>
/// <remarks>
/// <para>Records come out in non-decreasing timestamp order. A line whose timestamp is older than the previous
/// accepted line of the same file is reported as <see cref="FeedErrorKind.OutOfOrderTimestamp"/> and skipped.</para>
/// <para>Bad content never throws except in strict mode (<see cref="FeedException"/>); I/O failures of the underlying
/// stream (a missing file, a disk error) do propagate as <see cref="IOException"/>.</para>
/// </remarks>
public abstract class FeedReader : IFeedReader
{
    /// <summary>Records produced but not handed out yet, sorted by timestamp.</summary>
    private readonly RecordQueue _queue = new();

    /// <summary>The input has been read to its end (or failed); only the queue remains.</summary>
    private bool _inputDone;

    /// <summary>Timestamp of the last accepted source line, for the order check.</summary>
    private long _lastSourceUs = long.MinValue;

    private long _linesRead;
    private long _markRecords;
    private long _settlementRecords;
    private long _skippedLines;
    private long _errors;
    private long _warnings;

    /// <summary>Lines that hold data (not blank, not a header); none means the file is empty.</summary>
    private long _dataLines;

    private bool _disposed;

    private protected FeedReader(FeedInput input, FeedReaderOptions? options)
    {
        Input = input;
        Options = options ?? new FeedReaderOptions();
        Symbols = new SymbolResolver(Options.Symbols);
    }

    /// <summary>The file name given when opening, as it appears in records and errors.</summary>
    public string File => Input.File;

    /// <summary>The options in use (its <see cref="FeedReaderOptions.Errors"/> holds the reported errors).</summary>
    public FeedReaderOptions Options { get; }

    /// <inheritdoc/>
    public FeedReaderStatistics Statistics => new(_linesRead, _markRecords, _settlementRecords, _skippedLines, _errors, _warnings);

    /// <summary>The decoded input.</summary>
    private protected FeedInput Input { get; }

    /// <summary>Maps the venue symbols read from lines.</summary>
    private protected SymbolResolver Symbols { get; }

    /// <summary>Where parsed records go; they leave in timestamp order once at or before <see cref="ReleaseBound"/>.</summary>
    private protected RecordQueue Queue => _queue;

    /// <summary>Timestamp of the last record handed out; MinValue before the first.</summary>
    private protected long LastReleasedUs { get; private set; } = long.MinValue;

    /// <summary>Number of the last line (binary: record) read, for whole-input errors found at the end.</summary>
    private protected virtual long CurrentLine => Input.LineNumber;

    /// <summary>Queued records at or before this timestamp may be handed out. Readers that may still insert an earlier
    /// record (a funding settlement) lower it.</summary>
    private protected virtual long ReleaseBound => long.MaxValue;

    /// <inheritdoc/>
    public bool TryRead(out FeedRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (_queue.Count > 0 && (_inputDone || _queue.HeadTimestamp <= ReleaseBound))
            {
                record = _queue.Dequeue();
                Debug.Assert(record.TimestampUs >= LastReleasedUs, "readers hand out records in timestamp order");
                LastReleasedUs = record.TimestampUs;
                if (record.Kind == FeedRecordKind.MarkPrice)
                {
                    _markRecords++;
                }
                else
                {
                    _settlementRecords++;
                }

                return true;
            }

            if (_inputDone)
            {
                record = default;
                return false;
            }

            if (!ReadNext())
            {
                _inputDone = true;
                FinishInput();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Input.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Reads and parses the next piece of input, queueing what it yields; false at the end of the input.
    /// The default reads one text line and hands it to <see cref="ParseLine"/>.</summary>
    private protected virtual bool ReadNext()
    {
        switch (Input.ReadLine(out ReadOnlySpan<byte> line))
        {
            case LineStatus.Line:
                _linesRead++;
                if (IsBlank(line))
                {
                    _skippedLines++;
                }
                else
                {
                    _dataLines++;
                    ParseLine(line, Input.LineNumber);
                }

                return true;

            case LineStatus.TooLong:
                _linesRead++;
                _dataLines++;
                Reject(FeedErrorKind.MalformedLine, Input.LineNumber, $"line longer than {FeedInput.MaxLineLength} bytes");
                return true;

            default:
                return false;
        }
    }

    /// <summary>Parses one non-blank text line.</summary>
    private protected virtual void ParseLine(ReadOnlySpan<byte> line, long lineNumber)
        => throw new NotSupportedException("This reader does not read text lines.");

    /// <summary>Called once at the end of the input, before the remaining queue is handed out.</summary>
    private protected virtual void OnEndOfInput()
    {
    }

    /// <summary>Reports an error for <paramref name="line"/>; in strict mode throws it.</summary>
    private protected void Reject(FeedErrorKind kind, long line, string message)
    {
        _errors++;
        var error = new FeedError(File, line, kind, message);
        Options.Errors.Report(error);
        if (Options.Strict)
        {
            throw new FeedException(error);
        }
    }

    /// <summary>Counts a line read on purpose without producing anything (other message type, row without a mark).</summary>
    private protected void CountSkipped() => _skippedLines++;

    /// <summary>Counts a line accepted after a documented repair (see <see cref="FeedReaderStatistics.Warnings"/>).</summary>
    private protected void CountWarning() => _warnings++;

    /// <summary>Counts a header line: skipped, and not data (a file with only a header is empty).</summary>
    private protected void CountHeaderLine()
    {
        _skippedLines++;
        _dataLines--;
    }

    /// <summary>Counts a record read by a non-line reader (binary).</summary>
    private protected void CountLineRead() => _linesRead++;

    /// <summary>Marks that the file holds data (so it is not reported empty).</summary>
    private protected void CountDataLine() => _dataLines++;

    /// <summary>True when <paramref name="timestampUs"/> is not older than the previous accepted line of this file
    /// (and records it); otherwise reports <see cref="FeedErrorKind.OutOfOrderTimestamp"/> and returns false.</summary>
    private protected bool AcceptTimestamp(long timestampUs, long line)
    {
        if (timestampUs is < 0 or > FieldParsing.MaxTimestampUs)
        {
            Reject(FeedErrorKind.MalformedLine, line, $"timestamp {timestampUs} µs is outside 1970..9999");
            return false;
        }

        if (timestampUs < _lastSourceUs)
        {
            Reject(
                FeedErrorKind.OutOfOrderTimestamp,
                line,
                $"timestamp {FormatUs(timestampUs)} is older than the previous line's {FormatUs(_lastSourceUs)}");
            return false;
        }

        _lastSourceUs = timestampUs;
        return true;
    }

    /// <summary>Formats µs since the epoch as ISO-8601 UTC with the raw value, for messages.</summary>
    private protected static string FormatUs(long timestampUs)
    {
        return timestampUs is >= 0 and <= FieldParsing.MaxTimestampUs
            ? string.Create(CultureInfo.InvariantCulture, $"{DateTime.UnixEpoch.AddTicks(timestampUs * 10):yyyy-MM-ddTHH:mm:ss.ffffffZ} ({timestampUs} µs)")
            : string.Create(CultureInfo.InvariantCulture, $"{timestampUs} µs");
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;

    private void FinishInput()
    {
        OnEndOfInput();
        if (Input.FailureKind is FeedErrorKind failure)
        {
            Reject(failure, CurrentLine + 1, Input.FailureMessage ?? "input failed");
        }
        else if (_dataLines == 0)
        {
            Reject(
                FeedErrorKind.EmptyFile,
                CurrentLine + 1,
                Input.IsEmpty ? "file is empty (0 bytes)" : "file has no data lines");
        }
    }
}
