namespace LiquidationEngine.Feeds;

/// <summary>What <see cref="FeedConverter"/> did.</summary>
/// <param name="MarkRecords">Mark price records written.</param>
/// <param name="SettlementRecords">Funding settlement records written.</param>
/// <param name="SkippedLines">Input lines skipped on purpose (headers, other message types, rows without a mark).</param>
/// <param name="Errors">Errors reported while reading (details in the options' error sink).</param>
/// <param name="BytesWritten">Size of the binary output, bytes.</param>
public readonly record struct FeedConversionResult(
    long MarkRecords,
    long SettlementRecords,
    long SkippedLines,
    long Errors,
    long BytesWritten)
{
    /// <summary>All records written.</summary>
    public long RecordsWritten => MarkRecords + SettlementRecords;
}
