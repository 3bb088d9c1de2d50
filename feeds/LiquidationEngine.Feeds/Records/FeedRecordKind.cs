namespace LiquidationEngine.Feeds;

/// <summary>What a <see cref="FeedRecord"/> carries.</summary>
public enum FeedRecordKind : byte
{
    /// <summary>A new mark price for the instrument.</summary>
    MarkPrice = 1,

    /// <summary>A funding settlement: <see cref="FeedRecord.FundingRate"/> settles at <see cref="FeedRecord.TimestampUs"/>.</summary>
    FundingSettlement = 2,
}
