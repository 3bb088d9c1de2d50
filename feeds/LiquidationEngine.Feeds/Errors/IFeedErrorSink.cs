namespace LiquidationEngine.Feeds;

/// <summary>Receives every error a reader reports, in the order they are found.</summary>
public interface IFeedErrorSink
{
    /// <summary>Called once per rejected line or file. Must not throw for ordinary errors.</summary>
    void Report(FeedError error);
}
