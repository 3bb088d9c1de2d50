using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>Reads Tardis.dev <c>derivative_ticker</c> CSV files
/// (<c>exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price</c>,
/// timestamps in µs since the epoch).</summary>
/// <remarks>
/// <para>The header line is required; columns are found by name, so their order does not matter. Needed: symbol,
/// timestamp, local_timestamp, funding_timestamp, funding_rate, mark_price.</para>
/// <para>The record time is the exchange <c>timestamp</c>, or <c>local_timestamp</c> when it is empty.
/// Empty fields are normal: an empty <c>mark_price</c> yields no mark (the row is counted as skipped, not as an
/// error); empty funding fields mean no funding information. A row still updates the funding state when it has
/// no mark.</para>
/// <para>Settlements: when <c>funding_timestamp</c> rolls over to a later value, a settlement is emitted at the old
/// <c>funding_timestamp</c> with the last <c>funding_rate</c> and mark seen before (see <see cref="SettlementSequencer"/>).
/// Numbers in scientific notation (<c>5e-7</c>) are expanded exactly before fixed-point parsing.</para>
/// </remarks>
public sealed class TardisDerivativeTickerReader : CsvFeedReader
{
    /// <summary>The first line of a Tardis derivative_ticker file, used by format detection.</summary>
    internal const string HeaderPrefix = "exchange,symbol,timestamp,local_timestamp,funding_timestamp";

    /// <summary>Derives settlements from funding_timestamp rollovers and keeps the output ordered.</summary>
    private readonly SettlementSequencer _sequencer;

    /// <summary>Column positions, once the header has been read.</summary>
    private Columns _columns;

    /// <summary>Reads a derivative_ticker file from <paramref name="stream"/> (plain or gzip).</summary>
    /// <param name="stream">The CSV.</param>
    /// <param name="file">Name used in records and errors.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public TardisDerivativeTickerReader(Stream stream, string file, FeedReaderOptions? options = null, bool leaveOpen = false)
        : this(new FeedInput(stream, file, leaveOpen), options)
    {
    }

    internal TardisDerivativeTickerReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
        => _sequencer = new SettlementSequencer(Queue, Options.SettlementHoldback);

    private protected override long ReleaseBound => _sequencer.ReleaseBound;

    /// <summary>Opens a derivative_ticker file (plain or gzip).</summary>
    public static TardisDerivativeTickerReader Open(string path, FeedReaderOptions? options = null)
        => new(System.IO.File.OpenRead(path), path, options);

    private protected override string ExpectedHeader => HeaderPrefix + ",funding_rate,...,mark_price";

    private protected override void ParseRow(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, long lineNumber)
    {
        ReadOnlySpan<byte> symbolText = line[fields[_columns.Symbol]];
        ReadOnlySpan<byte> timestampText = line[fields[_columns.Timestamp]];
        if (timestampText.IsEmpty)
        {
            timestampText = line[fields[_columns.LocalTimestamp]];
        }

        if (!FieldParsing.TryParseDigits(timestampText, out long timestampUs))
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"timestamp {FieldParsing.Quote(timestampText)} is not integer microseconds");
            return;
        }

        long nextFundingUs = 0;
        ReadOnlySpan<byte> fundingTimestampText = line[fields[_columns.FundingTimestamp]];
        if (!fundingTimestampText.IsEmpty
            && (!FieldParsing.TryParseDigits(fundingTimestampText, out nextFundingUs) || nextFundingUs > FieldParsing.MaxTimestampUs))
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"funding_timestamp {FieldParsing.Quote(fundingTimestampText)} is not integer microseconds");
            return;
        }

        if (!Symbols.TryResolve(symbolText, out string? symbol))
        {
            Reject(FeedErrorKind.UnknownSymbol, lineNumber, $"symbol {FieldParsing.Quote(symbolText)} is not in the symbol map");
            return;
        }

        Span<byte> expanded = stackalloc byte[128];
        ReadOnlySpan<byte> markText = line[fields[_columns.MarkPrice]];
        Price mark = Price.Zero;
        bool hasMark = !markText.IsEmpty;
        if (hasMark)
        {
            string? priceError = FieldParsing.TryParsePrice(FieldParsing.ExpandExponent(markText, expanded), out mark);
            if (priceError is not null)
            {
                Reject(FeedErrorKind.InvalidPrice, lineNumber, $"mark_price: {priceError}");
                return;
            }
        }

        ReadOnlySpan<byte> rateText = line[fields[_columns.FundingRate]];
        Rate rate = Rate.Zero;
        bool hasRate = !rateText.IsEmpty;
        if (hasRate)
        {
            string? rateError = FieldParsing.TryParseRate(FieldParsing.ExpandExponent(rateText, expanded), out rate);
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

        if (!hasMark)
        {
            CountSkipped();
        }

        _sequencer.Observe(symbol!, timestampUs, hasMark, mark, hasRate, rate, nextFundingUs, File, lineNumber, LastReleasedUs, out long droppedUs);
        if (droppedUs != 0)
        {
            Reject(
                FeedErrorKind.OutOfOrderTimestamp,
                lineNumber,
                $"funding_timestamp rolled over from {FormatUs(droppedUs)} only here, after later records were handed out "
                + $"(more than {Options.SettlementHoldback} past it); that settlement is dropped");
        }
    }

    private protected override bool ReadColumns(CsvHeader header)
    {
        if (!header.HasAll("symbol", "timestamp", "local_timestamp", "funding_timestamp", "funding_rate", "mark_price"))
        {
            return false;
        }

        _columns = new Columns(
            header.IndexOf("symbol"),
            header.IndexOf("timestamp"),
            header.IndexOf("local_timestamp"),
            header.IndexOf("funding_timestamp"),
            header.IndexOf("funding_rate"),
            header.IndexOf("mark_price"));
        return true;
    }

    /// <summary>Where each needed column is.</summary>
    private readonly record struct Columns(
        int Symbol, int Timestamp, int LocalTimestamp, int FundingTimestamp, int FundingRate, int MarkPrice);
}
