namespace LiquidationEngine.Feeds;

/// <summary>A streaming source of <see cref="FeedRecord"/>s in non-decreasing timestamp order.</summary>
public interface IFeedReader : IDisposable
{
    /// <summary>Counts of what has been read so far.</summary>
    FeedReaderStatistics Statistics { get; }

    /// <summary>Reads the next record; false at the end of the input.</summary>
    /// <exception cref="FeedException">Strict mode only: the input has a bad line.</exception>
    bool TryRead(out FeedRecord record);
}
