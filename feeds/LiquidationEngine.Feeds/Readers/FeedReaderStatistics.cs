namespace LiquidationEngine.Feeds;

/// <summary>What a reader has read so far.</summary>
/// <param name="LinesRead">Source lines read (binary format: records, including symbol definitions and the end marker).</param>
/// <param name="MarkRecords">Mark price records handed out.</param>
/// <param name="SettlementRecords">Funding settlement records handed out.</param>
/// <param name="SkippedLines">Lines read on purpose without a record: headers, blank lines, other message types
/// (trades, book tickers, depth), rows without a mark.</param>
/// <param name="Errors">Errors reported (each bad line once, plus whole-file errors).</param>
/// <param name="Warnings">Lines accepted after a documented repair (binance-klines: a bar widened to include its open
/// and close, docs/FEEDS.md); not errors.</param>
public readonly record struct FeedReaderStatistics(
    long LinesRead,
    long MarkRecords,
    long SettlementRecords,
    long SkippedLines,
    long Errors,
    long Warnings = 0)
{
    /// <summary>Sums two readers' counts (used by <see cref="FeedMerger"/>).</summary>
    public static FeedReaderStatistics operator +(FeedReaderStatistics left, FeedReaderStatistics right)
        => new(
            left.LinesRead + right.LinesRead,
            left.MarkRecords + right.MarkRecords,
            left.SettlementRecords + right.SettlementRecords,
            left.SkippedLines + right.SkippedLines,
            left.Errors + right.Errors,
            left.Warnings + right.Warnings);

    /// <summary>Named alternate for operator +.</summary>
    public static FeedReaderStatistics Add(FeedReaderStatistics left, FeedReaderStatistics right) => left + right;
}
