using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>Reads the generic CSV format: <c>timestamp,symbol,mark_price[,funding_rate]</c> with a header line.</summary>
/// <remarks>
/// <para>Columns are found by header name (order free, extra columns ignored). <c>timestamp</c> is integer µs since
/// the epoch or ISO-8601 UTC (<c>2023-04-05T00:01:14.400Z</c>). <c>mark_price</c> is required on every row.</para>
/// <para>A row whose <c>funding_rate</c> is not empty yields two records with the row's timestamp: the mark, then a
/// <see cref="FeedRecordKind.FundingSettlement"/> of that rate (carrying the row's mark). So a funding_rate column
/// states settlements, not the predicted rate: leave it empty on rows that are not settlements.</para>
/// </remarks>
public sealed class GenericCsvReader : CsvFeedReader
{
    /// <summary>Column positions, once the header has been read.</summary>
    private Columns _columns;

    /// <summary>Reads a generic CSV from <paramref name="stream"/> (plain or gzip).</summary>
    /// <param name="stream">The CSV.</param>
    /// <param name="file">Name used in records and errors.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public GenericCsvReader(Stream stream, string file, FeedReaderOptions? options = null, bool leaveOpen = false)
        : this(new FeedInput(stream, file, leaveOpen), options)
    {
    }

    internal GenericCsvReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
    {
    }

    /// <summary>Opens a generic CSV file (plain or gzip).</summary>
    public static GenericCsvReader Open(string path, FeedReaderOptions? options = null)
        => new(System.IO.File.OpenRead(path), path, options);

    private protected override string ExpectedHeader => "timestamp,symbol,mark_price[,funding_rate]";

    private protected override void ParseRow(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, long lineNumber)
    {
        string? timeError = FieldParsing.TryParseTimestamp(line[fields[_columns.Timestamp]], out long timestampUs);
        if (timeError is not null)
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, timeError);
            return;
        }

        ReadOnlySpan<byte> symbolText = line[fields[_columns.Symbol]];
        if (!Symbols.TryResolve(symbolText, out string? symbol))
        {
            Reject(FeedErrorKind.UnknownSymbol, lineNumber, $"symbol {FieldParsing.Quote(symbolText)} is not in the symbol map");
            return;
        }

        string? priceError = FieldParsing.TryParsePrice(line[fields[_columns.MarkPrice]], out Price mark);
        if (priceError is not null)
        {
            Reject(FeedErrorKind.InvalidPrice, lineNumber, $"mark_price: {priceError}");
            return;
        }

        Rate rate = Rate.Zero;
        bool settles = _columns.FundingRate >= 0 && !line[fields[_columns.FundingRate]].IsEmpty;
        if (settles)
        {
            string? rateError = FieldParsing.TryParseRate(line[fields[_columns.FundingRate]], out rate);
            if (rateError is not null)
            {
                Reject(FeedErrorKind.MalformedLine, lineNumber, $"funding_rate: {rateError}");
                return;
            }
        }

        if (!AcceptTimestamp(timestampUs, lineNumber))
        {
            return;
        }

        Queue.Insert(FeedRecord.MarkPrice(timestampUs, symbol!, mark, File, lineNumber));
        if (settles)
        {
            Queue.Insert(FeedRecord.FundingSettlement(timestampUs, symbol!, mark, rate, File, lineNumber));
        }
    }

    private protected override bool ReadColumns(CsvHeader header)
    {
        if (!header.HasAll("timestamp", "symbol", "mark_price"))
        {
            return false;
        }

        _columns = new Columns(
            header.IndexOf("timestamp"),
            header.IndexOf("symbol"),
            header.IndexOf("mark_price"),
            header.IndexOf("funding_rate"));
        return true;
    }

    /// <summary>Where each column is; <see cref="FundingRate"/> is -1 when absent.</summary>
    private readonly record struct Columns(int Timestamp, int Symbol, int MarkPrice, int FundingRate);
}
