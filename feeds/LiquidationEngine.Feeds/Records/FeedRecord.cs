using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>One tick read from a recorded feed: a mark price or a funding settlement of one instrument.</summary>
/// <remarks>
/// Every reader yields records in non-decreasing <see cref="TimestampUs"/> order.
/// <see cref="Symbol"/> and <see cref="File"/> are shared string instances (one per distinct symbol, one per file),
/// so a record costs no allocation.
/// </remarks>
/// <param name="Kind">Mark price or funding settlement.</param>
/// <param name="TimestampUs">Event time in microseconds since the Unix epoch, UTC.</param>
/// <param name="Symbol">The instrument symbol after <see cref="SymbolMap"/> mapping (e.g. <c>BTC-USDT-PERP</c>).</param>
/// <param name="Mark">For <see cref="FeedRecordKind.MarkPrice"/>: the mark (always &gt; 0).
/// For <see cref="FeedRecordKind.FundingSettlement"/>: the last mark seen before the settlement,
/// or <see cref="Price.Zero"/> when the file had none yet.</param>
/// <param name="FundingRate">For <see cref="FeedRecordKind.FundingSettlement"/>: the rate in force that settles.
/// <see cref="Rate.Zero"/> on mark records.</param>
/// <param name="File">The source file (as given to the reader), for error messages and traceability.</param>
/// <param name="Line">1-based source line (for the binary format: 1-based record number) the record came from.</param>
public readonly record struct FeedRecord(
    FeedRecordKind Kind,
    long TimestampUs,
    string Symbol,
    Price Mark,
    Rate FundingRate,
    string File,
    long Line)
{
    /// <summary>A mark price tick.</summary>
    public static FeedRecord MarkPrice(long timestampUs, string symbol, Price mark, string file, long line)
        => new(FeedRecordKind.MarkPrice, timestampUs, symbol, mark, Rate.Zero, file, line);

    /// <summary>A funding settlement of <paramref name="rate"/> at <paramref name="timestampUs"/>.</summary>
    public static FeedRecord FundingSettlement(long timestampUs, string symbol, Price mark, Rate rate, string file, long line)
        => new(FeedRecordKind.FundingSettlement, timestampUs, symbol, mark, rate, file, line);

    /// <summary>The event time as a UTC <see cref="DateTime"/> (microsecond precision). Readers only produce
    /// timestamps from 1970 to 9999, which all convert.</summary>
    public DateTime ToUtcDateTime() => DateTime.UnixEpoch.AddTicks(checked(TimestampUs * 10));

    /// <summary>True when both records carry the same market data (kind, time, symbol, mark, rate),
    /// whatever file and line they came from: a record read back from the binary format equals its source this way.</summary>
    public bool HasSameMarketData(in FeedRecord other)
        => Kind == other.Kind
            && TimestampUs == other.TimestampUs
            && string.Equals(Symbol, other.Symbol, StringComparison.Ordinal)
            && Mark == other.Mark
            && FundingRate == other.FundingRate;
}
