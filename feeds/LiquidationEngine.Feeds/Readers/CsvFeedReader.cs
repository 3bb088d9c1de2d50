using LiquidationEngine.Csv;

namespace LiquidationEngine.Feeds;

/// <summary>A CSV feed whose first line is a header naming the columns: reads the header once, then hands each data
/// row, split into exactly as many fields as the header has, to the format.</summary>
/// <remarks>A missing or incomplete header is reported once and every later row is skipped, so a file that cannot be
/// read never yields a guessed record.</remarks>
public abstract class CsvFeedReader : FeedReader
{
    private const int MaxFields = 32;

    /// <summary>Set after the header line has been read (or found missing).</summary>
    private bool _headerSeen;

    /// <summary>The header was missing or lacked a needed column: the rows cannot be read.</summary>
    private bool _unreadable;

    /// <summary>Fields the header declares; every row must have as many.</summary>
    private int _columnCount;

    private protected CsvFeedReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
    {
    }

    /// <summary>What the header must contain, for the error when it does not.</summary>
    private protected abstract string ExpectedHeader { get; }

    /// <summary>Finds the format's columns in the header; false when a needed one is missing.</summary>
    private protected abstract bool ReadColumns(CsvHeader header);

    /// <summary>Parses one data row whose fields are already split.</summary>
    private protected abstract void ParseRow(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, long lineNumber);

    private protected sealed override void ParseLine(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (!_headerSeen)
        {
            _headerSeen = true;
            CsvHeader header = CsvHeader.Parse(line);
            if (!ReadColumns(header))
            {
                _unreadable = true;
                Reject(FeedErrorKind.MalformedLine, lineNumber, $"missing or incomplete header: expected {ExpectedHeader}; the file cannot be read");
                return;
            }

            CountHeaderLine();
            _columnCount = header.ColumnCount;
            return;
        }

        if (_unreadable)
        {
            CountSkipped();
            return;
        }

        Span<Range> fields = stackalloc Range[MaxFields];
        int count = CsvFields.Split(line, fields);
        if (count != _columnCount)
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"expected {_columnCount} comma-separated fields, found {(count < 0 ? "more than " + MaxFields : count)}");
            return;
        }

        ParseRow(line, fields[..count], lineNumber);
    }
}
